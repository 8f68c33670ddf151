using CityBrain.Edge.Buffering;
using CityBrain.Sensing;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Edge.Tests.Buffering;

/// <summary>
/// Both buffers under wall-clock steps (the wall clock moves, the monotonic clock does not) and an unset clock: ages come
/// from the monotonic clock, and while the wall clock is before the earliest plausible time nothing is handed out or expired.
/// </summary>
public sealed class BufferClockTests : IDisposable
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private readonly SteppedWallClock _clock = new(TestReadings.Start);
    private readonly TempDirectory _directory = SegmentFiles.NewBufferDirectory();

    public static TheoryData<string> Kinds { get; } = new("memory", "disk");

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose() => _directory.Dispose();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task WallClockStepsForwardPastMaxAge_NothingExpires_ReadingsStayLive(string kind)
    {
        await using IReadingBuffer buffer = await OpenAsync(kind);
        await buffer.AppendAsync(TestReadings.Range(0, 10), Ct);

        _clock.StepWallClock(TimeSpan.FromDays(8));
        _clock.Advance(TimeSpan.FromSeconds(1));

        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal(TestReadings.SeqRange(0, 10), TestReadings.Seqs(batch));
        BufferStats stats = buffer.GetStats();
        Assert.Equal(0, stats.DroppedExpired);
        Assert.Equal(TimeSpan.FromSeconds(1), stats.OldestAge);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task WallClockStepsBack_ReadingsLeaveTheLiveLaneOnTime_AndExpireOnTime(string kind)
    {
        await using IReadingBuffer buffer = await OpenAsync(kind);
        await buffer.AppendAsync(TestReadings.Range(0, 10), Ct);

        _clock.StepWallClock(TimeSpan.FromMinutes(-30));
        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.True((await buffer.BeginBatchAsync(BufferLane.Live, 100, Ct)).IsEmpty);
        BufferBatch backlog = await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct);
        Assert.Equal(10, backlog.Count);
        await buffer.EndBatchAsync(backlog, 0, Ct);

        _clock.Advance(MaxAge);
        Assert.True((await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct)).IsEmpty);
        Assert.Equal(10, buffer.GetStats().DroppedExpired);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task WallClockNotSet_NothingHandedOutOrExpired_UntilItIsSet_ThenTimestampsAreCorrected(string kind)
    {
        // A node without RTC boots at 1 March; the software was built on 2 March.
        await using IReadingBuffer buffer = await OpenAsync(kind, earliestPlausible: TestReadings.Start.AddDays(1));
        await buffer.AppendAsync(TestReadings.Range(0, 5), Ct);
        _clock.Advance(TimeSpan.FromMinutes(10));

        Assert.True((await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct)).IsEmpty);
        BufferStats held = buffer.GetStats();
        Assert.Equal(BufferStates.ClockHeld, held.State);
        Assert.Equal(5, held.Readings);
        Assert.Contains("not synchronised", held.Problem, StringComparison.Ordinal);
        Assert.False(buffer.WaitToReadAsync(Ct).AsTask().IsCompleted);

        _clock.StepWallClock(TimeSpan.FromDays(270)); // NTP
        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Backlog, 100, Ct);
        Assert.Equal(TestReadings.SeqRange(0, 5), TestReadings.Seqs(batch));

        // Read before the clock was set, stamped with the unset clock: handed out with the time they were really read.
        Assert.Equal(TestReadings.Range(0, 5).Select(r => r.Timestamp.AddDays(270)), batch.Readings.Select(r => r.Reading.Timestamp));
        Assert.Equal(BufferStates.Ok, buffer.GetStats().State);
        Assert.Equal(0, buffer.GetStats().DroppedExpired);
    }

    [Fact]
    public async Task DiskRecordsAppendedBeforeTheClockWasSet_AreNotPurgedAtTheNextOpen()
    {
        await using (IReadingBuffer unset = await OpenAsync("disk", earliestPlausible: TestReadings.Start.AddDays(1)))
        {
            await unset.AppendAsync(TestReadings.Range(0, 5), Ct);
        }

        // Restarted a week later with the clock set: the records' 1 March append times are not ages.
        _clock.StepWallClock(TimeSpan.FromDays(9));
        await using IReadingBuffer reopened = await OpenAsync("disk", earliestPlausible: TestReadings.Start.AddDays(1));

        BufferBatch batch = await reopened.BeginBatchAsync(BufferLane.Live, 100, Ct);
        Assert.Equal(TestReadings.SeqRange(0, 5), TestReadings.Seqs(batch));
        Assert.Equal(0, reopened.GetStats().DroppedExpired);
    }

    private async Task<IReadingBuffer> OpenAsync(string kind, DateTimeOffset? earliestPlausible = null)
    {
        DateTimeOffset earliest = earliestPlausible ?? DateTimeOffset.MinValue;
        if (kind == "memory")
        {
            return new MemoryReadingBuffer(new MemoryBufferOptions { MaxAge = MaxAge, EarliestPlausibleTime = earliest }, _clock);
        }

        var options = new DiskBufferOptions
        {
            Directory = _directory.Path,
            MaxAge = MaxAge,
            GroupCommitWindow = TimeSpan.Zero,
            EarliestPlausibleTime = earliest,
        };
        return await DiskReadingBuffer.OpenAsync(options, _clock, NullLogger<DiskReadingBuffer>.Instance, cancellationToken: Ct);
    }
}
