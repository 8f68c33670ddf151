using CityBrain.Edge.Buffering;
using CityBrain.Sensing;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>The disk buffer itself on a 1 MiB tmpfs that fills up: the memory overflow, its bound, the count, the recovery.</summary>
[Trait("Category", "Integration")]
public sealed class DiskBufferFullTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task DiskFull_HeldInMemoryUpToTheBound_RestDroppedAsDiskFull_AllAcknowledgedAcrossARestart()
    {
        using var tmpfs = TmpfsMount.Mount("buffer-full", "1m");
        var options = new DiskBufferOptions { Directory = Path.Combine(tmpfs.Path, "buffer"), MaxBytes = 64L * 1024 * 1024, MaxHeldReadings = 5000 };
        var buffer = await DiskReadingBuffer.OpenAsync(options, TimeProvider.System, NullLogger<DiskReadingBuffer>.Instance, cancellationToken: Ct);
        try
        {
            await buffer.AppendAsync(Readings(0, 500), Ct);
            var (filler, _) = tmpfs.Fill();

            // Six appends of 2,000 (each bigger than the slack in the file's last page) while the disk refuses: two fit the
            // 5,000 held in memory, four are dropped and counted.
            for (int i = 0; i < 6; i++)
            {
                await buffer.AppendAsync(Readings(500 + (i * 2000), 2000), Ct);
            }

            BufferStats full = buffer.GetStats();
            Assert.Equal(BufferStates.Degraded, full.State);
            Assert.Equal(4000, full.HeldInMemory);
            Assert.Equal(8000, full.DroppedDiskFull);
            Assert.Equal(12_500, full.NextSeq);
            Assert.Equal(4500, full.Readings);

            // Held readings are published like any other; the dropped ones are a counted gap.
            BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 10_000, Ct);
            Assert.Equal(Enumerable.Range(0, 4500).Select(i => (long)i), batch.Readings.Select(r => r.Seq));
            Assert.Equal(Enumerable.Range(0, 4500).Select(i => (double)i), batch.Readings.Select(r => r.Reading.Value));
            await buffer.EndBatchAsync(batch, batch.Count, Ct);
            Assert.Equal(0, buffer.GetStats().HeldInMemory);

            File.Delete(filler);
            long written = buffer.GetStats().BytesWritten;
            await buffer.AppendAsync(Readings(12_500, 100), Ct);
            BufferStats freed = buffer.GetStats();
            Assert.Equal(BufferStates.Ok, freed.State);
            Assert.True(freed.BytesWritten > written);
        }
        finally
        {
            await buffer.DisposeAsync();
        }

        // The acks of the held readings and the dropped range reached the disk: a restart neither replays nor counts them.
        await using var reopened = await DiskReadingBuffer.OpenAsync(options, TimeProvider.System, NullLogger<DiskReadingBuffer>.Instance, cancellationToken: Ct);
        BufferStats stats = reopened.GetStats();
        Assert.Equal(12_600, stats.NextSeq);
        Assert.Equal(100, stats.Readings);
        Assert.Equal(0, stats.DroppedCorrupt);
        BufferBatch rest = await reopened.BeginBatchAsync(BufferLane.Live, 5000, Ct);
        Assert.Equal(Enumerable.Range(12_500, 100).Select(i => (long)i), rest.Readings.Select(r => r.Seq));
    }

    private static List<Reading> Readings(int first, int count) =>
        Enumerable.Range(first, count).Select(i => new Reading("s-01", "level", i, "%", DateTimeOffset.UtcNow)).ToList();
}
