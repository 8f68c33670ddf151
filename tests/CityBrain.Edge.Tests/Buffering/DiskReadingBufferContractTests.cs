using CityBrain.Edge.Buffering;
using CityBrain.Sensing;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Edge.Tests.Buffering;

/// <summary>The buffer contract against the disk buffer (group commit without a window, so no test waits on the clock).</summary>
public sealed class DiskReadingBufferContractTests : ReadingBufferContractTests
{
    /// <summary>Fewer bytes per reading than any record takes, so a byte cap never holds more than the capacity.</summary>
    private const int BytesPerReadingFloor = 8;

    private readonly TempDirectory _directory = SegmentFiles.NewBufferDirectory();

    protected override async ValueTask<IReadingBuffer> CreateBufferAsync(BufferLimits limits)
    {
        long maxBytes = Math.Max(8 * 1024, (long)limits.CapacityReadings * BytesPerReadingFloor);
        var options = new DiskBufferOptions
        {
            Directory = _directory.Path,
            MaxBytes = maxBytes,
            SegmentBytes = (int)Math.Min(maxBytes / 4, 1024 * 1024),
            MaxAge = limits.MaxAge,
            LiveWindow = limits.LiveWindow,
            GroupCommitWindow = TimeSpan.Zero,
        };
        return await DiskReadingBuffer.OpenAsync(options, Time, NullLogger<DiskReadingBuffer>.Instance, cancellationToken: Ct);
    }

    protected override ValueTask DisposeStorageAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
