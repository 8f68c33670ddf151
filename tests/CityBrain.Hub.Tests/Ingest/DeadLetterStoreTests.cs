using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Ingest;

/// <summary>The dead-letter files on a real filesystem: format, rotation, the byte cap and its counter, a restart.</summary>
public sealed class DeadLetterStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new("dlstore");
    private readonly IngestMetrics _metrics = new();

    private DeadLetterStore Store(long maxBytes = 1024 * 1024, long segmentBytes = 64 * 1024) =>
        new(new DeadLetterOptions { Directory = _dir.Combine("letters"), MaxBytes = maxBytes, SegmentBytes = segmentBytes }, _metrics, TimeProvider.System, NullLogger<DeadLetterStore>.Instance);

    private static DeadLetterMessage Letter(long seq, int readingBytes = 100) => new()
    {
        Code = ContractViolation.BadTimestamp,
        Reason = $"$.readings[{seq}].ts: 17 is outside 2000-01-01..2100-01-01",
        Topic = "citybrain/v1/d1/g1/n1/telemetry",
        Node = "n1",
        Seq = seq,
        Reading = "{\"seq\":" + seq + ",\"note\":\"" + new string('x', readingBytes) + "\"}",
        ReceivedTimestamp = 1_795_000_000_000,
    };

    private IReadOnlyList<DeadLetterMessage> ReadBack() => DeadLetterStore.ReadAll(_dir.Combine("letters"));

    [Fact]
    public async Task AppendAsync_WritesOneDeadLetterPerLine_ReadableAsDocumented()
    {
        using var store = Store();
        await store.AppendAsync([Letter(1), Letter(2)], CancellationToken.None);
        await store.AppendAsync([Letter(3)], CancellationToken.None);

        var file = Assert.Single(DeadLetterStore.SegmentFiles(_dir.Combine("letters")));
        Assert.Equal("deadletters-00000001.jsonl", Path.GetFileName(file));
        var letters = ReadBack();
        Assert.Equal([1L, 2L, 3L], letters.Select(l => l.Seq!.Value));
        Assert.Equal(Letter(2).Reading, letters[1].Reading);
        Assert.Equal("n1", letters[1].Node);
        Assert.Equal(3, store.Stored);
        Assert.Equal(new FileInfo(file).Length, store.Bytes);
    }

    [Fact]
    public async Task AppendAsync_OverTheCap_DeletesOldestSegments_CountsEveryLetterInThem()
    {
        using var store = Store(maxBytes: 1024 * 1024, segmentBytes: 128 * 1024);
        const int Total = 3000; // about 1.4 MB of letters into a 1 MiB cap
        for (int i = 0; i < Total; i += 10)
        {
            await store.AppendAsync(Enumerable.Range(i, 10).Select(s => Letter(s, 300)).ToList(), CancellationToken.None);
        }

        var kept = ReadBack();
        Assert.True(store.Dropped > 0);
        Assert.True(store.Bytes <= 1024 * 1024, $"{store.Bytes} bytes on disk");
        Assert.Equal(Total, kept.Count + store.Dropped); // nothing vanished uncounted
        Assert.Equal(Enumerable.Range((int)store.Dropped, kept.Count).Select(s => (long)s), kept.Select(l => l.Seq!.Value)); // the oldest went
    }

    [Fact]
    public async Task NewStore_AfterRestart_AppendsToTheLastSegment_AndCountsOldLettersWhenItDropsThem()
    {
        using (var first = Store(maxBytes: 1024 * 1024, segmentBytes: 128 * 1024))
        {
            for (int i = 0; i < 1000; i += 10)
            {
                await first.AppendAsync(Enumerable.Range(i, 10).Select(s => Letter(s, 300)).ToList(), CancellationToken.None);
            }
        }

        using var second = Store(maxBytes: 1024 * 1024, segmentBytes: 128 * 1024);
        for (int i = 1000; i < 3000; i += 10)
        {
            await second.AppendAsync(Enumerable.Range(i, 10).Select(s => Letter(s, 300)).ToList(), CancellationToken.None);
        }

        var kept = ReadBack();
        Assert.Equal(3000, kept.Count + second.Dropped);
        Assert.Equal(kept.Select(l => l.Seq!.Value).Order(), kept.Select(l => l.Seq!.Value));
    }

    [Fact]
    public async Task AppendAsync_DiskFull_RetriesWithoutAckingOrTearingALine_UntilSpaceIsFreed()
    {
        using var tmpfs = TmpfsMount.Mount("dl-full", "256k");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var store = new DeadLetterStore(new DeadLetterOptions { Directory = tmpfs.Path }, _metrics, time, NullLogger<DeadLetterStore>.Instance);
        await store.AppendAsync([Letter(1)], CancellationToken.None);
        var (filler, _) = tmpfs.Fill();

        // Larger than the slack of the segment's last page: the disk must find room for it.
        var append = store.AppendAsync([Letter(2, readingBytes: 20_000)], CancellationToken.None);

        Assert.False(append.IsCompleted); // the caller (and so the PUBACK) waits
        Assert.True(store.WriteFailures >= 1);
        File.Delete(filler);
        for (int i = 0; i < 100 && !append.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5)); // past the retry's backoff
            await Task.Yield();
        }

        await append.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1L, 2L], DeadLetterStore.ReadAll(tmpfs.Path).Select(l => l.Seq!.Value)); // no torn line in between
        Assert.Equal(2, File.ReadAllLines(Assert.Single(DeadLetterStore.SegmentFiles(tmpfs.Path))).Length);
        Assert.Equal(2, store.Stored);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _dir.Dispose();
    }
}
