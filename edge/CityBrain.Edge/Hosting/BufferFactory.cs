using CityBrain.Edge.Buffering;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Hosting;

/// <summary>Opens the buffer the configuration asks for.</summary>
public static class BufferFactory
{
    public static async Task<IReadingBuffer> OpenAsync(BufferSection section, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (section.Kind == BufferSection.Memory)
        {
            var seq = new SequenceFile(Path.Combine(section.Path, "next-seq"));
            long first = await seq.ReserveAsync(cancellationToken).ConfigureAwait(false);
            var options = new MemoryBufferOptions
            {
                MaxReadings = (int)Math.Min(int.MaxValue, section.MaxMegabytes * 1024L * 1024 / 64),
                MaxAge = TimeSpan.FromHours(section.MaxAgeHours),
                LiveWindow = TimeSpan.FromSeconds(section.LiveWindowSeconds),
                FirstSeq = first,
                EarliestPlausibleTime = ClockPlausibility.EarliestPlausibleTime,
            };
            options.Validate();
            return new SequencePersistingBuffer(new MemoryReadingBuffer(options, time), seq);
        }

        var disk = new DiskBufferOptions
        {
            Directory = section.Path,
            MaxBytes = section.MaxMegabytes * 1024L * 1024,
            MaxAge = TimeSpan.FromHours(section.MaxAgeHours),
            SegmentBytes = (int)Math.Clamp(section.MaxMegabytes * 1024L * 1024 / 16, 64 * 1024, 8 * 1024 * 1024),
            FsyncPolicy = section.Fsync switch
            {
                "always" => FsyncPolicy.Always,
                "interval" => FsyncPolicy.Interval,
                "none" => FsyncPolicy.None,
                _ => FsyncPolicy.GroupCommit,
            },
            LiveWindow = TimeSpan.FromSeconds(section.LiveWindowSeconds),
            EarliestPlausibleTime = ClockPlausibility.EarliestPlausibleTime,
        };
        return await DiskReadingBuffer.OpenAsync(disk, time, loggers.CreateLogger<DiskReadingBuffer>(), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
