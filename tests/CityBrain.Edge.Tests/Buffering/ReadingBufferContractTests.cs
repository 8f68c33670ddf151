using CityBrain.Sensing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Buffering;

/// <summary>
/// The one contract every <see cref="IReadingBuffer"/> passes (telegraf's buffer_suite_test.go): derived classes only
/// say how to create their buffer. Time is a <see cref="FakeTimeProvider"/>; nothing sleeps.
/// </summary>
public abstract class ReadingBufferContractTests : IAsyncLifetime
{
    private readonly List<IReadingBuffer> _created = [];

    protected FakeTimeProvider Time { get; } = new(TestReadings.Start);

    /// <summary>Guards against a hung test (real time); no test waits on it.</summary>
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    protected CancellationToken Ct => _timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (IReadingBuffer buffer in _created)
        {
            await buffer.DisposeAsync();
        }

        await DisposeStorageAsync();
        _timeout.Dispose();
    }

    /// <summary>Creates the buffer under test (a second call for a durable buffer reopens the same storage).</summary>
    protected abstract ValueTask<IReadingBuffer> CreateBufferAsync(BufferLimits limits);

    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    protected async ValueTask<IReadingBuffer> OpenAsync(BufferLimits? limits = null)
    {
        IReadingBuffer buffer = await CreateBufferAsync(limits ?? new BufferLimits());
        _created.Add(buffer);
        return buffer;
    }

    [Fact]
    public async Task Append_AssignsConsecutiveSequenceNumbers_InAppendOrder()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 3), Ct);
        await buffer.AppendAsync(TestReadings.Range(3, 4), Ct);

        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);

        Assert.Equal(TestReadings.SeqRange(0, 7), TestReadings.Seqs(batch));
        Assert.Equal(TestReadings.Range(0, 7), batch.Readings.Select(r => r.Reading));
        BufferStats stats = buffer.GetStats();
        Assert.Equal(7, stats.NextSeq);
        Assert.Equal(7, stats.Appended);
        Assert.Equal(7, stats.Readings);
    }

    [Fact]
    public async Task EndBatchAwaiting_KeepsReadingsWithoutHandingThemOut_AcknowledgeRemovesOnlyAwaiting_ReleaseHandsThemOutAgain()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 10), Ct);
        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        await buffer.EndBatchAwaitingAsync(batch, 8, Ct); // 0..7 await the hub, 8..9 were not sent

        Assert.Equal((10L, 8L), (buffer.GetStats().Readings, buffer.GetStats().Awaiting));
        BufferBatch rest = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal(TestReadings.SeqRange(8, 2), TestReadings.Seqs(rest)); // awaiting readings are not handed out again
        await buffer.EndBatchAsync(rest, 2, Ct);

        Assert.Equal(2, await buffer.AcknowledgeAsync(2, 4, Ct));
        Assert.Equal(0, await buffer.AcknowledgeAsync(8, 10, Ct)); // already gone: nothing awaits there
        Assert.Equal(2, await buffer.ReleaseAsync(0, 2, Ct)); // re-send 0..1
        BufferBatch again = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal(TestReadings.SeqRange(0, 2), TestReadings.Seqs(again));
        await buffer.EndBatchAsync(again, 0, Ct);

        // 4..7 await and leave; 0..1 are available again, not awaiting: an acknowledgement leaves them alone.
        Assert.Equal(4, await buffer.AcknowledgeAsync(0, 10, Ct));
        Assert.Equal((2L, 0L), (buffer.GetStats().Readings, buffer.GetStats().Awaiting));
        BufferBatch last = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal(TestReadings.SeqRange(0, 2), TestReadings.Seqs(last));
    }

    [Fact]
    public async Task Append_CopiesBeforeReturning_TheCallerMayReuseItsListAtOnce()
    {
        IReadingBuffer buffer = await OpenAsync();
        var list = new List<Reading>(TestReadings.Range(0, 3));
        ValueTask first = buffer.AppendAsync(list, Ct);
        list.Clear();
        list.AddRange(TestReadings.Range(3, 2));
        ValueTask second = buffer.AppendAsync(list, Ct);
        list.Clear();
        await first;
        await second;

        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);

        Assert.Equal(TestReadings.Range(0, 5), batch.Readings.Select(r => r.Reading));
    }

    [Fact]
    public async Task Append_Empty_AssignsNothing()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync([], Ct);

        Assert.Equal(0, buffer.GetStats().NextSeq);
        Assert.True((await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct)).IsEmpty);
    }

    [Fact]
    public async Task BeginBatch_RespectsMaxReadings_AndReturnsEmptyWhenNothingAvailable()
    {
        IReadingBuffer buffer = await OpenAsync();
        Assert.True((await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct)).IsEmpty);
        await buffer.AppendAsync(TestReadings.Range(0, 10), Ct);

        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 4, Ct);

        Assert.Equal(TestReadings.SeqRange(0, 4), TestReadings.Seqs(batch));
        Assert.Equal(BufferLane.Live, batch.Lane);
    }

    [Fact]
    public async Task EndBatch_AcceptAll_RemovesReadings()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 10), Ct);
        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct);

        await buffer.EndBatchAsync(batch, batch.Count, Ct);

        Assert.True((await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct)).IsEmpty);
        Assert.Equal(0, buffer.GetStats().Readings);
        Assert.Null(buffer.GetStats().Oldest);
    }

    [Fact]
    public async Task EndBatch_Partial_RemovesAcceptedPrefix_RestAvailableAgainInOrder()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 10), Ct);
        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct);

        await buffer.EndBatchAsync(batch, 3, Ct);

        BufferBatch again = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal(TestReadings.SeqRange(3, 7), TestReadings.Seqs(again));
        Assert.Equal(TestReadings.Range(3, 7), again.Readings.Select(r => r.Reading));
        Assert.Equal(7, buffer.GetStats().Readings);
    }

    [Fact]
    public async Task EndBatch_Zero_KeepsAll_SameReadingsAgain()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 5), Ct);
        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct);

        await buffer.EndBatchAsync(batch, 0, Ct);

        BufferBatch again = await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct);
        Assert.Equal(batch.Readings, again.Readings);
        Assert.Equal(5, buffer.GetStats().Readings);
    }

    [Fact]
    public async Task EndBatch_Twice_OrBadCount_Throws()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 5), Ct);
        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await buffer.EndBatchAsync(batch, 6, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await buffer.EndBatchAsync(batch, -1, Ct));
        await buffer.EndBatchAsync(batch, 5, Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await buffer.EndBatchAsync(batch, 5, Ct));
    }

    [Fact]
    public async Task InFlight_AreNotHandedOutTwice()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 10), Ct);

        BufferBatch first = await buffer.BeginBatchAsync(BufferLane.Live, 6, Ct);
        BufferBatch second = await buffer.BeginBatchAsync(BufferLane.Live, 6, Ct);
        BufferBatch third = await buffer.BeginBatchAsync(BufferLane.Live, 6, Ct);

        Assert.Equal(TestReadings.SeqRange(0, 6), TestReadings.Seqs(first));
        Assert.Equal(TestReadings.SeqRange(6, 4), TestReadings.Seqs(second));
        Assert.True(third.IsEmpty);
        Assert.Equal(10, buffer.GetStats().Readings);
    }

    [Fact]
    public async Task Keep_OfEarlierBatch_ComesBackFirst_OldestSeqFirst()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 10), Ct);
        BufferBatch a = await buffer.BeginBatchAsync(BufferLane.Live, 4, Ct);
        BufferBatch b = await buffer.BeginBatchAsync(BufferLane.Live, 4, Ct);

        await buffer.EndBatchAsync(a, 1, Ct);
        BufferBatch c = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);

        Assert.Equal(new long[] { 1, 2, 3, 8, 9 }, TestReadings.Seqs(c));
        await buffer.EndBatchAsync(b, b.Count, Ct);
        await buffer.EndBatchAsync(c, c.Count, Ct);
        Assert.Equal(0, buffer.GetStats().Readings);
    }

    [Fact]
    public async Task Lanes_LiveWhileYoungerThanWindow_BacklogAfter()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 3), Ct);
        Time.Advance(TimeSpan.FromSeconds(11));
        await buffer.AppendAsync(TestReadings.Range(3, 2), Ct);

        BufferBatch live = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        BufferBatch backlog = await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct);

        Assert.Equal(new long[] { 3, 4 }, TestReadings.Seqs(live));
        Assert.Equal(BufferLane.Live, live.Lane);
        Assert.Equal(new long[] { 0, 1, 2 }, TestReadings.Seqs(backlog));
        Assert.Equal(BufferLane.Backlog, backlog.Lane);
    }

    [Fact]
    public async Task Lanes_LiveReadingsAgeIntoBacklog()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 3), Ct);
        Assert.True((await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct)).IsEmpty);

        Time.Advance(TimeSpan.FromSeconds(10.001));

        Assert.True((await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct)).IsEmpty);
        Assert.Equal(new long[] { 0, 1, 2 }, TestReadings.Seqs(await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct)));
    }

    [Fact]
    public async Task OutOfOrderAcks_LiveAckedBeforeBacklog_EachReadingDeliveredOnce()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 6), Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        await buffer.AppendAsync(TestReadings.Range(6, 4), Ct);

        BufferBatch live = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        await buffer.EndBatchAsync(live, live.Count, Ct);
        Assert.Equal(6, buffer.GetStats().Readings);
        BufferBatch backlog1 = await buffer.BeginBatchAsync(BufferLane.Backlog, 4, Ct);
        await buffer.EndBatchAsync(backlog1, 2, Ct);
        BufferBatch backlog2 = await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct);
        await buffer.EndBatchAsync(backlog2, backlog2.Count, Ct);

        Assert.Equal(new long[] { 6, 7, 8, 9 }, TestReadings.Seqs(live));
        Assert.Equal(new long[] { 0, 1, 2, 3 }, TestReadings.Seqs(backlog1));
        Assert.Equal(new long[] { 2, 3, 4, 5 }, TestReadings.Seqs(backlog2));
        Assert.Equal(0, buffer.GetStats().Readings);
        Assert.True((await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct)).IsEmpty);
        Assert.True((await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct)).IsEmpty);
    }

    [Fact]
    public async Task Overflow_DropsOldest_CountIsExact()
    {
        IReadingBuffer buffer = await OpenAsync(new BufferLimits { CapacityReadings = 1_000 });
        for (int i = 0; i < 50; i++)
        {
            await buffer.AppendAsync(TestReadings.Range(i * 100, 100), Ct);
        }

        BufferStats stats = buffer.GetStats();
        Assert.True(stats.DroppedOverflow > 0, "5000 readings into a 1000-reading buffer must drop some");
        Assert.Equal(5_000, stats.Appended);
        Assert.Equal(stats.Appended, stats.Readings + stats.DroppedOverflow);
        Assert.InRange(stats.Readings, 1, 1_000);

        BufferBatch rest = await buffer.BeginBatchAsync(BufferLane.Live, 10_000, Ct);
        Assert.Equal(TestReadings.SeqRange(stats.DroppedOverflow, (int)stats.Readings), TestReadings.Seqs(rest));
        Assert.Equal(TestReadings.Range((int)stats.DroppedOverflow, (int)stats.Readings), rest.Readings.Select(r => r.Reading));
    }

    [Fact]
    public async Task Overflow_WhileInFlight_KeptReadingsCountedAsDropped_AcceptedOnesNot()
    {
        IReadingBuffer buffer = await OpenAsync(new BufferLimits { CapacityReadings = 1_000 });
        await buffer.AppendAsync(TestReadings.Range(0, 100), Ct);
        BufferBatch accepted = await buffer.BeginBatchAsync(BufferLane.Live, 50, Ct);
        BufferBatch kept = await buffer.BeginBatchAsync(BufferLane.Live, 50, Ct);
        for (int i = 1; i < 50; i++)
        {
            await buffer.AppendAsync(TestReadings.Range(i * 100, 100), Ct);
        }

        await buffer.EndBatchAsync(accepted, accepted.Count, Ct);
        await buffer.EndBatchAsync(kept, 0, Ct);

        BufferStats stats = buffer.GetStats();
        Assert.Equal(stats.Appended - 50, stats.Readings + stats.DroppedOverflow);
        BufferBatch rest = await buffer.BeginBatchAsync(BufferLane.Live, 10_000, Ct);
        Assert.Equal(stats.Readings, rest.Count);
        Assert.Equal(stats.NextSeq - 1, rest.Readings[^1].Seq);
    }

    [Fact]
    public async Task Expiry_DropsReadingsOlderThanMaxAge_Counted()
    {
        IReadingBuffer buffer = await OpenAsync(new BufferLimits { MaxAge = TimeSpan.FromHours(1) });
        await buffer.AppendAsync(TestReadings.Range(0, 7), Ct);
        Time.Advance(TimeSpan.FromMinutes(30));
        await buffer.AppendAsync(TestReadings.Range(7, 3), Ct);
        Time.Advance(TimeSpan.FromMinutes(31));

        BufferBatch backlog = await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct);

        Assert.Equal(new long[] { 7, 8, 9 }, TestReadings.Seqs(backlog));
        BufferStats stats = buffer.GetStats();
        Assert.Equal(7, stats.DroppedExpired);
        Assert.Equal(3, stats.Readings);
        Assert.Equal(TestReadings.Start.AddMinutes(30), stats.Oldest);
    }

    [Fact]
    public async Task Stats_Oldest_IsAppendTimeOfOldestStoredReading()
    {
        IReadingBuffer buffer = await OpenAsync();
        Time.Advance(TimeSpan.FromSeconds(5));
        await buffer.AppendAsync(TestReadings.Range(0, 2), Ct);
        Time.Advance(TimeSpan.FromSeconds(5));
        await buffer.AppendAsync(TestReadings.Range(2, 2), Ct);

        Assert.Equal(TestReadings.Start.AddSeconds(5), buffer.GetStats().Oldest);
        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 2, Ct);
        await buffer.EndBatchAsync(batch, 2, Ct);
        Assert.Equal(TestReadings.Start.AddSeconds(10), buffer.GetStats().Oldest);
    }

    [Fact]
    public async Task WaitToRead_CompletesOnAppend()
    {
        IReadingBuffer buffer = await OpenAsync();
        Task wait = buffer.WaitToReadAsync(Ct).AsTask();
        Assert.False(wait.IsCompleted);

        await buffer.AppendAsync(TestReadings.Range(0, 1), Ct);

        await wait;
        Assert.True(buffer.WaitToReadAsync(Ct).AsTask().IsCompleted);
    }

    [Fact]
    public async Task WaitToRead_CompletesWhenKeptReadingsReturn()
    {
        IReadingBuffer buffer = await OpenAsync();
        await buffer.AppendAsync(TestReadings.Range(0, 2), Ct);
        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct);
        Task wait = buffer.WaitToReadAsync(Ct).AsTask();
        Assert.False(wait.IsCompleted);

        await buffer.EndBatchAsync(batch, 1, Ct);

        await wait;
    }

    [Fact]
    public async Task WaitToRead_HonoursCancellation()
    {
        IReadingBuffer buffer = await OpenAsync();
        using var cts = new CancellationTokenSource();
        Task wait = buffer.WaitToReadAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
    }

    public static TheoryData<int> Seeds()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("CITYBRAIN_MODEL_SEEDS"), out int n) ? n : 20;
        var seeds = new TheoryData<int>();
        for (int seed = 1; seed <= count; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    /// <summary>Random appends, batches, partial acks in any order and clock moves, checked against a plain model.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task RandomOperations_MatchASimpleModel(int seed)
    {
        IReadingBuffer buffer = await OpenAsync();
        var random = new Random(seed);
        var model = new BufferModel(Time, Ct);
        for (int step = 0; step < 400; step++)
        {
            await model.StepAsync(buffer, random);
        }

        Assert.Equal(model.NextSeq, buffer.GetStats().NextSeq);
    }

    [Fact]
    public async Task Concurrent_ProducersAndOneConsumer_EveryReadingDeliveredExactlyOnce_InOrder()
    {
        const int producers = 4;
        const int batchesEach = 200;
        const int batchSize = 25;
        const int total = producers * batchesEach * batchSize;
        IReadingBuffer buffer = await OpenAsync();
        var received = new List<SequencedReading>(total);

        Task consumer = Task.Run(
            async () =>
            {
                while (received.Count < total)
                {
                    await buffer.WaitToReadAsync(Ct);
                    BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 300, Ct);
                    received.AddRange(batch.Readings);
                    await buffer.EndBatchAsync(batch, batch.Count, Ct);
                }
            },
            Ct);
        Task[] appenders = Enumerable.Range(0, producers).Select(p => Task.Run(
            async () =>
            {
                for (int b = 0; b < batchesEach; b++)
                {
                    await buffer.AppendAsync(TestReadings.Range(((p * batchesEach) + b) * batchSize, batchSize), Ct);
                }
            },
            Ct)).ToArray();

        await Task.WhenAll(appenders);
        await consumer.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(TestReadings.SeqRange(0, total), received.Select(r => r.Seq));
        Assert.Equal(total, received.Select(r => r.Reading).Distinct().Count());
        Assert.Equal(0, buffer.GetStats().Readings);
    }
}
