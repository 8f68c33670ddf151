using CityBrain.Edge.Buffering;
using CityBrain.Sensing;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Buffering;

/// <summary>What only a durable buffer must show: restarts, torn writes, damaged records, fsync policies, bytes.</summary>
public sealed class DiskReadingBufferTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(TestReadings.Start);
    private readonly TempDirectory _directory = SegmentFiles.NewBufferDirectory();
    private readonly List<TempDirectory> _snapshots = [];
    private readonly FakeLogger<DiskReadingBuffer> _logger = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _directory.Dispose();
        foreach (TempDirectory snapshot in _snapshots)
        {
            snapshot.Dispose();
        }

        _timeout.Dispose();
    }

    [Fact]
    public async Task Restart_AfterCrash_UnackedComeBack_AckedDoNot_NextSeqContinues()
    {
        string crashed;
        await using (DiskReadingBuffer buffer = await OpenAsync())
        {
            await buffer.AppendAsync(TestReadings.Range(0, 10), Ct);
            _time.Advance(TimeSpan.FromMinutes(1));
            await buffer.AppendAsync(TestReadings.Range(10, 5), Ct);
            BufferBatch live = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
            await buffer.EndBatchAsync(live, live.Count, Ct);
            BufferBatch backlog = await buffer.BeginBatchAsync(BufferLane.Backlog, 4, Ct);
            await buffer.EndBatchAsync(backlog, 2, Ct);
            BufferBatch inFlightAtCrash = await buffer.BeginBatchAsync(BufferLane.Backlog, 3, Ct);
            Assert.Equal(new long[] { 2, 3, 4 }, TestReadings.Seqs(inFlightAtCrash));
            await buffer.FlushAsync(Ct);
            crashed = Snapshot();
        }

        await using DiskReadingBuffer reopened = await OpenAsync(crashed);

        BufferStats stats = reopened.GetStats();
        Assert.Equal(8, stats.Readings);
        Assert.Equal(15, stats.NextSeq);
        Assert.Equal(0, stats.DroppedCorrupt);
        Assert.True((await reopened.BeginBatchAsync(BufferLane.Live, 100, Ct)).IsEmpty);
        BufferBatch replay = await reopened.BeginBatchAsync(BufferLane.Backlog, 100, Ct);
        Assert.Equal(TestReadings.SeqRange(2, 8), TestReadings.Seqs(replay));
        Assert.Equal(TestReadings.Range(2, 8), replay.Readings.Select(r => r.Reading));
        await reopened.AppendAsync(TestReadings.Range(15, 1), Ct);
        Assert.Equal(new long[] { 15 }, TestReadings.Seqs(await reopened.BeginBatchAsync(BufferLane.Live, 100, Ct)));
    }

    /// <summary>
    /// Random operations with kills in between (the segment files copied as they are, without flush or dispose): the
    /// reopened buffer holds every unacknowledged reading, identical, and nothing acknowledged except what a lost ack
    /// brings back; then it matches the model exactly again.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task RandomOperations_WithCrashes_ResumeExactly(int seed)
    {
        var random = new Random(seed);
        var model = new BufferModel(_time, Ct);
        TempDirectory current = _directory;
        DiskReadingBuffer buffer = await OpenAsync(maxBytes: 64 * 1024, segmentBytes: 4 * 1024);
        try
        {
            for (int step = 0; step < 400; step++)
            {
                if (random.Next(25) == 0)
                {
                    // A kill: no flush, no dispose. The files as they are now are what survives it (the page cache
                    // outlives the process), queued acknowledgements included or not, a write possibly half done.
                    current = current.SnapshotSegments();
                    _snapshots.Add(current);
                    DiskReadingBuffer killed = buffer;
                    buffer = await OpenAsync(current.Path, maxBytes: 64 * 1024, segmentBytes: 4 * 1024);
                    await killed.DisposeAsync(); // releases its files; it writes to the old directory, never to the copy
                    Assert.Equal(model.NextSeq, buffer.GetStats().NextSeq);
                    Assert.Equal(0, buffer.GetStats().DroppedCorrupt);
                    await model.CrashedAsync(buffer);
                }

                await model.StepAsync(buffer, random);
            }
        }
        finally
        {
            await buffer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_Clean_EverythingAcked_NextSeqSurvives()
    {
        await using (DiskReadingBuffer buffer = await OpenAsync())
        {
            await buffer.AppendAsync(TestReadings.Range(0, 20), Ct);
            BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
            await buffer.EndBatchAsync(batch, batch.Count, Ct);
        }

        await using DiskReadingBuffer reopened = await OpenAsync();

        Assert.Equal(0, reopened.GetStats().Readings);
        Assert.Equal(20, reopened.GetStats().NextSeq);
        Assert.True((await reopened.BeginBatchAsync(BufferLane.Backlog, 100, Ct)).IsEmpty);
    }

    [Fact]
    public async Task TornTail_RecordCutInHalf_RestRecovered_Counted_AppendsContinue()
    {
        await WriteRecordsAsync(10, 10, 10);
        string segment = _directory.Segments()[^1];
        long length = new FileInfo(segment).Length;
        Truncate(segment, length - 25);

        await using (DiskReadingBuffer buffer = await OpenAsync())
        {
            BufferStats stats = buffer.GetStats();
            Assert.Equal(10, stats.DroppedCorrupt);
            Assert.Equal(20, stats.Readings);
            Assert.Equal(30, stats.NextSeq);
            Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("torn", StringComparison.Ordinal));

            await buffer.AppendAsync(TestReadings.Range(30, 5), Ct);
            BufferBatch all = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
            Assert.Equal([.. TestReadings.SeqRange(0, 20), .. TestReadings.SeqRange(30, 5)], TestReadings.Seqs(all));
            Assert.Equal([.. TestReadings.Range(0, 20), .. TestReadings.Range(30, 5)], all.Readings.Select(r => r.Reading));
        }

        await using DiskReadingBuffer again = await OpenAsync();
        Assert.Equal(0, again.GetStats().DroppedCorrupt);
        Assert.Equal(25, again.GetStats().Readings);
    }

    [Fact]
    public async Task TornTail_CutInsideHeader_RestRecovered_AppendsContinue()
    {
        long[] ends = await WriteRecordsAsync(10, 10, 10);
        string segment = _directory.Segments()[^1];
        Truncate(segment, ends[1] + 20);

        await using DiskReadingBuffer buffer = await OpenAsync();

        Assert.Equal(20, buffer.GetStats().Readings);
        Assert.Equal(ends[1], new FileInfo(segment).Length);
        await buffer.AppendAsync(TestReadings.Range(100, 3), Ct);
        BufferBatch all = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal(23, all.Count);
        Assert.Equal(TestReadings.Range(100, 3), all.Readings.Skip(20).Select(r => r.Reading));
        Assert.Equal(all.Readings.Select(r => r.Seq).Order(), all.Readings.Select(r => r.Seq));
    }

    [Fact]
    public async Task FlippedByte_InMiddleRecordPayload_ThatRecordSkipped_LaterKept()
    {
        long[] ends = await WriteRecordsAsync(10, 7, 10);
        FlipByte(_directory.Segments()[0], ends[0] + RecordHeaderSize + 9);

        await using DiskReadingBuffer buffer = await OpenAsync();

        BufferStats stats = buffer.GetStats();
        Assert.Equal(7, stats.DroppedCorrupt);
        Assert.Equal(20, stats.Readings);
        BufferBatch all = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal([.. TestReadings.SeqRange(0, 10), .. TestReadings.SeqRange(17, 10)], TestReadings.Seqs(all));
        Assert.Equal([.. TestReadings.Range(0, 10), .. TestReadings.Range(17, 10)], all.Readings.Select(r => r.Reading));
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("checksum", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FlippedByte_InMiddleRecordHeader_Resynchronises_GapCounted()
    {
        long[] ends = await WriteRecordsAsync(10, 7, 10);
        FlipByte(_directory.Segments()[0], ends[0] + 9);

        await using DiskReadingBuffer buffer = await OpenAsync();

        Assert.Equal(7, buffer.GetStats().DroppedCorrupt);
        BufferBatch all = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal([.. TestReadings.SeqRange(0, 10), .. TestReadings.SeqRange(17, 10)], TestReadings.Seqs(all));
    }

    [Fact]
    public async Task DamageAfterOpen_UnreadableRecordDroppedAtRead_CountedAsCorrupt()
    {
        long[] ends;
        await using DiskReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 5), Ct);
        await buffer.AppendAsync(TestReadings.Range(5, 5), Ct);
        ends = [buffer.GetStats().Bytes];
        FlipByte(_directory.Segments()[0], ends[0] - 3);

        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);

        Assert.Equal(TestReadings.SeqRange(0, 5), TestReadings.Seqs(batch));
        Assert.Equal(5, buffer.GetStats().DroppedCorrupt);
        await buffer.EndBatchAsync(batch, batch.Count, Ct);
        Assert.Equal(0, buffer.GetStats().Readings);
    }

    [Fact]
    public async Task DamageAfterOpen_InsideCompactedBlock_OnlyThatRecordDropped()
    {
        await using DiskReadingBuffer buffer = await OpenAsync();
        var ends = new List<long>();
        for (int i = 0; i < 4; i++)
        {
            await buffer.AppendAsync(TestReadings.Range(i * 6, 6), Ct);
            ends.Add(buffer.GetStats().Bytes);
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        await buffer.AppendAsync(TestReadings.Range(24, 6), Ct);
        Assert.Equal(2, buffer.IndexEntries);
        FlipByte(_directory.Segments()[0], ends[1] - 2);

        BufferBatch backlog = await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct);

        Assert.Equal([.. TestReadings.SeqRange(0, 6), .. TestReadings.SeqRange(12, 12)], TestReadings.Seqs(backlog));
        Assert.Equal(6, buffer.GetStats().DroppedCorrupt);
        await buffer.EndBatchAsync(backlog, backlog.Count, Ct);
        Assert.Equal(6, buffer.GetStats().Readings);
    }

    [Fact]
    public async Task GroupCommit_AppendsWithinWindow_ShareOneWriteAndFsync_CompleteAfterWindow()
    {
        await using DiskReadingBuffer buffer = await OpenAsync(policy: FsyncPolicy.GroupCommit, window: TimeSpan.FromMilliseconds(50));
        long fsyncsBefore = buffer.FsyncCount;

        Task first = buffer.AppendAsync(TestReadings.Range(0, 5), Ct).AsTask();
        Task second = buffer.AppendAsync(TestReadings.Range(5, 5), Ct).AsTask();
        Assert.False(first.IsCompleted);
        Assert.Equal(0, buffer.GetStats().BytesWritten);

        _time.Advance(TimeSpan.FromMilliseconds(50));
        await Task.WhenAll(first, second);

        Assert.Equal(1, buffer.FsyncCount - fsyncsBefore);
        Assert.Equal(10, buffer.GetStats().Readings);
        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal(TestReadings.Range(0, 10), batch.Readings.Select(r => r.Reading));

        // One record for the group: its name tables are written once, so the group is smaller than two records.
        long groupBytes = buffer.GetStats().BytesWritten;
        foreach (Reading[] single in new[] { TestReadings.Range(0, 5), TestReadings.Range(5, 5) })
        {
            Task alone = buffer.AppendAsync(single, Ct).AsTask();
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await alone;
        }

        Assert.True(groupBytes < buffer.GetStats().BytesWritten - groupBytes, "a group of two appends takes fewer bytes than two single-append groups");
    }

    [Fact]
    public async Task GroupCommit_PendingBytesOverThreshold_WritesWithoutWaitingForWindow()
    {
        await using DiskReadingBuffer buffer = await OpenAsync(policy: FsyncPolicy.GroupCommit, window: TimeSpan.FromSeconds(5), groupBytes: 4096);

        await buffer.AppendAsync(TestReadings.Range(0, 1_000), Ct);

        Assert.Equal(1_000, buffer.GetStats().Readings);
        Assert.True(buffer.FsyncCount >= 1);
    }

    [Fact]
    public async Task ManyAppendsInFlight_PendingIsBounded_AllArriveInOrder()
    {
        await using DiskReadingBuffer buffer = await OpenAsync(groupBytes: 4096);
        var appends = new List<Task>();
        for (int i = 0; i < 60; i++)
        {
            appends.Add(buffer.AppendAsync(TestReadings.Range(i * 1_000, 1_000), Ct).AsTask());
        }

        await Task.WhenAll(appends);

        var all = new List<SequencedReading>();
        for (BufferBatch b; !(b = await buffer.BeginBatchAsync(BufferLane.Live, 5_000, Ct)).IsEmpty;)
        {
            all.AddRange(b.Readings);
        }

        Assert.Equal(TestReadings.SeqRange(0, 60_000), all.Select(r => r.Seq));
        Assert.Equal(TestReadings.Range(0, 60_000), all.Select(r => r.Reading));
    }

    [Fact]
    public async Task Always_EveryAppendFsyncedBeforeItCompletes()
    {
        await using DiskReadingBuffer buffer = await OpenAsync(policy: FsyncPolicy.Always);
        long before = buffer.FsyncCount;

        await buffer.AppendAsync(TestReadings.Range(0, 3), Ct);
        long afterFirst = buffer.FsyncCount;
        await buffer.AppendAsync(TestReadings.Range(3, 3), Ct);

        Assert.Equal(before + 1, afterFirst);
        Assert.Equal(afterFirst + 1, buffer.FsyncCount);
    }

    [Fact]
    public async Task Interval_AppendReturnsAfterWrite_FsyncOncePerInterval()
    {
        await using DiskReadingBuffer buffer = await OpenAsync(policy: FsyncPolicy.Interval);
        long before = buffer.FsyncCount;

        await buffer.AppendAsync(TestReadings.Range(0, 3), Ct);
        await buffer.AppendAsync(TestReadings.Range(3, 3), Ct);
        Assert.Equal(before, buffer.FsyncCount);
        Assert.Equal(6, buffer.GetStats().Readings);

        _time.Advance(TimeSpan.FromSeconds(1));
        await buffer.AppendAsync(TestReadings.Range(6, 3), Ct);

        Assert.Equal(before + 1, buffer.FsyncCount);
    }

    [Fact]
    public async Task None_NeverFsyncs_UntilFlush()
    {
        await using DiskReadingBuffer buffer = await OpenAsync(policy: FsyncPolicy.None);

        await buffer.AppendAsync(TestReadings.Range(0, 3), Ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        await buffer.AppendAsync(TestReadings.Range(3, 3), Ct);
        Assert.Equal(0, buffer.FsyncCount);

        await buffer.FlushAsync(Ct);
        Assert.Equal(1, buffer.FsyncCount);
    }

    [Theory]
    [InlineData(FsyncPolicy.GroupCommit)]
    [InlineData(FsyncPolicy.Always)]
    [InlineData(FsyncPolicy.Interval)]
    [InlineData(FsyncPolicy.None)]
    public async Task EveryPolicy_RoundTripsThroughRestart(FsyncPolicy policy)
    {
        await using (DiskReadingBuffer buffer = await OpenAsync(policy: policy, window: TimeSpan.Zero))
        {
            await buffer.AppendAsync(TestReadings.Range(0, 50), Ct);
        }

        _time.Advance(TimeSpan.FromMinutes(1));

        await using DiskReadingBuffer reopened = await OpenAsync(policy: policy, window: TimeSpan.Zero);
        BufferBatch batch = await reopened.BeginBatchAsync(BufferLane.Backlog, 100, Ct);
        Assert.Equal(TestReadings.Range(0, 50), batch.Readings.Select(r => r.Reading));
    }

    [Fact]
    public async Task Encoding_RoundTripsEveryValueKind_AndNames()
    {
        double[] values = [0, -0.0, 1, -1, 21.4, 0.35, -5.125, 0.1 + 0.2, 1e300, -1e-300, double.Epsilon, 9007199254740993d, 123456.789, 0.5f, double.MaxValue];
        var readings = values.Select((v, i) => new Reading(
            i % 2 == 0 ? "sensor-ü-" + i : "s", "q" + (i % 3), v, i % 2 == 0 ? "µg/m³" : "", TestReadings.Start.AddMilliseconds(-i * 1_000_003L), (Quality)(i % 3))).ToArray();
        await using (DiskReadingBuffer buffer = await OpenAsync())
        {
            await buffer.AppendAsync(readings, Ct);
        }

        await using DiskReadingBuffer reopened = await OpenAsync();
        BufferBatch batch = await reopened.BeginBatchAsync(BufferLane.Live, 100, Ct);

        Assert.Equal(readings, batch.Readings.Select(r => r.Reading));
        Assert.True(double.IsNegative(batch.Readings[1].Reading.Value), "-0.0 keeps its sign");
    }

    [Fact]
    public async Task Index_CompactsRecordsBehindTheLiveLane_ReadsStayExact_AcrossRestart()
    {
        const int appends = 300;
        await using (DiskReadingBuffer buffer = await OpenAsync())
        {
            for (int i = 0; i < appends; i++)
            {
                await buffer.AppendAsync(TestReadings.Range(i * 3, 3), Ct);
                _time.Advance(TimeSpan.FromMilliseconds(100));
            }

            Assert.InRange(buffer.IndexEntries, 1, 120);
            BufferBatch first = await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct);
            await buffer.EndBatchAsync(first, 40, Ct);
            Assert.Equal(TestReadings.Range(0, 100), first.Readings.Select(r => r.Reading));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        await using DiskReadingBuffer reopened = await OpenAsync();
        Assert.InRange(reopened.IndexEntries, 1, 10);
        var all = new List<SequencedReading>();
        for (BufferBatch b; !(b = await reopened.BeginBatchAsync(BufferLane.Backlog, 77, Ct)).IsEmpty;)
        {
            all.AddRange(b.Readings);
        }

        Assert.Equal(TestReadings.SeqRange(40, (appends * 3) - 40), all.Select(r => r.Seq));
        Assert.Equal(TestReadings.Range(40, (appends * 3) - 40), all.Select(r => r.Reading));
    }

    [Fact]
    public async Task BytesWritten_CountsEveryByte_AndReadingsAreCompact()
    {
        await using DiskReadingBuffer buffer = await OpenAsync();
        for (int i = 0; i < 10; i++)
        {
            await buffer.AppendAsync(TestReadings.Range(i * 500, 500), Ct);
        }

        BufferStats stats = buffer.GetStats();
        long onDisk = _directory.Segments().Sum(f => new FileInfo(f).Length);
        Assert.Equal(onDisk, stats.BytesWritten);
        Assert.Equal(onDisk, stats.Bytes);
        Assert.InRange(stats.BytesWritten / (double)stats.Appended, 1, 16);
    }

    [Fact]
    public async Task Overflow_DropsWholeOldestSegment_DeletesItsFile()
    {
        await using DiskReadingBuffer buffer = await OpenAsync(maxBytes: 16 * 1024, segmentBytes: 4 * 1024);
        for (int i = 0; i < 40; i++)
        {
            await buffer.AppendAsync(TestReadings.Range(i * 50, 50), Ct);
        }

        BufferStats stats = buffer.GetStats();
        Assert.True(stats.DroppedOverflow > 0);
        Assert.Equal(stats.Appended, stats.Readings + stats.DroppedOverflow);
        Assert.InRange(stats.Bytes, 1, 16 * 1024);
        Assert.Equal(stats.Bytes, _directory.Segments().Sum(f => new FileInfo(f).Length));
    }

    [Fact]
    public async Task Acked_Segments_AreDeleted()
    {
        await using DiskReadingBuffer buffer = await OpenAsync(maxBytes: 64 * 1024, segmentBytes: 2 * 1024);
        for (int i = 0; i < 20; i++)
        {
            await buffer.AppendAsync(TestReadings.Range(i * 50, 50), Ct);
        }

        Assert.True(_directory.Segments().Length > 3);
        BufferBatch all = await buffer.BeginBatchAsync(BufferLane.Live, 10_000, Ct);
        await buffer.EndBatchAsync(all, all.Count, Ct);

        Assert.Single(_directory.Segments());
        Assert.Equal(0, buffer.GetStats().Readings);
    }

    [Fact]
    public async Task Expired_AreTrimmedDurably_NotCountedAgainAfterRestart()
    {
        await using (DiskReadingBuffer buffer = await OpenAsync(maxAge: TimeSpan.FromHours(1)))
        {
            await buffer.AppendAsync(TestReadings.Range(0, 4), Ct);
            _time.Advance(TimeSpan.FromMinutes(40));
            await buffer.AppendAsync(TestReadings.Range(4, 4), Ct);
            _time.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(new long[] { 4, 5, 6, 7 }, TestReadings.Seqs(await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct)));
            Assert.Equal(4, buffer.GetStats().DroppedExpired);
        }

        await using DiskReadingBuffer reopened = await OpenAsync(maxAge: TimeSpan.FromHours(1));
        Assert.Equal(4, reopened.GetStats().Readings);
        Assert.Equal(0, reopened.GetStats().DroppedExpired);
    }

    [Fact]
    public async Task Dispose_WritesPendingAppends_ThenAppendThrows()
    {
        DiskReadingBuffer buffer = await OpenAsync(policy: FsyncPolicy.GroupCommit, window: TimeSpan.FromSeconds(10));
        Task pending = buffer.AppendAsync(TestReadings.Range(0, 4), Ct).AsTask();

        await buffer.DisposeAsync();

        await pending;
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await buffer.AppendAsync(TestReadings.Range(4, 1), Ct));
        await using DiskReadingBuffer reopened = await OpenAsync();
        Assert.Equal(4, reopened.GetStats().Readings);
    }

    [Fact]
    public async Task BeginBatch_Cancelled_LeavesReadingsAvailable()
    {
        await using DiskReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 5), Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await buffer.BeginBatchAsync(BufferLane.Live, 10, cancelled.Token));

        Assert.Equal(TestReadings.SeqRange(0, 5), TestReadings.Seqs(await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct)));
    }

    [Fact]
    public async Task Open_SameDirectoryTwice_Throws_NamingTheDirectory()
    {
        await using DiskReadingBuffer buffer = await OpenAsync();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await OpenAsync());
        Assert.Contains(_directory.Path, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxBytes", 100L)]
    [InlineData("SegmentBytes", 100_000_000L)]
    public void Options_Invalid_MessageNamesFieldValueAndFix(string field, long value)
    {
        var options = new DiskBufferOptions { Directory = "/tmp/x" };
        options = field == "MaxBytes" ? options with { MaxBytes = value } : options with { SegmentBytes = (int)value };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Contains($"DiskBufferOptions.{field} is {value}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("use", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_MissingDirectory_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(new DiskBufferOptions().Validate);
        Assert.Contains("Directory", ex.Message, StringComparison.Ordinal);
    }

    private const int RecordHeaderSize = 40;

    private async Task<DiskReadingBuffer> OpenAsync(
        string? directory = null,
        FsyncPolicy policy = FsyncPolicy.GroupCommit,
        TimeSpan? window = null,
        int groupBytes = 1024 * 1024,
        long maxBytes = 16 * 1024 * 1024,
        int segmentBytes = 1024 * 1024,
        TimeSpan? maxAge = null)
    {
        var options = new DiskBufferOptions
        {
            Directory = directory ?? _directory.Path,
            FsyncPolicy = policy,
            GroupCommitWindow = window ?? TimeSpan.Zero,
            GroupCommitBytes = groupBytes,
            MaxBytes = maxBytes,
            SegmentBytes = segmentBytes,
            MaxAge = maxAge ?? TimeSpan.FromDays(7),
        };
        return await DiskReadingBuffer.OpenAsync(options, _time, _logger, cancellationToken: Ct);
    }

    /// <summary>Writes one record per count (no acks) and returns the segment length after each.</summary>
    private async Task<long[]> WriteRecordsAsync(params int[] counts)
    {
        var ends = new long[counts.Length];
        await using DiskReadingBuffer buffer = await OpenAsync();
        int next = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            await buffer.AppendAsync(TestReadings.Range(next, counts[i]), Ct);
            next += counts[i];
            ends[i] = buffer.GetStats().Bytes;
        }

        return ends;
    }

    private string Snapshot()
    {
        TempDirectory copy = _directory.SnapshotSegments();
        _snapshots.Add(copy);
        return copy.Path;
    }

    private static void Truncate(string file, long length)
    {
        using FileStream stream = File.Open(file, FileMode.Open, FileAccess.ReadWrite);
        stream.SetLength(length);
    }

    private static void FlipByte(string file, long offset)
    {
        using FileStream stream = File.Open(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Position = offset;
        int b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0x5A));
    }
}
