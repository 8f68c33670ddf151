using CityBrain.Edge.Publishing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Publishing;

public sealed class NoSubscriberHoldTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(8);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task WaitAsync_NotHeld_ReturnsAtOnceWithoutProbe()
    {
        var hold = new NoSubscriberHold(Min, Max, _time);

        Assert.False(await hold.WaitAsync(CancellationToken.None));
        Assert.False(hold.IsHeld);
    }

    [Fact]
    public async Task NoSubscribers_HoldsUntilBackoff_ThenExactlyOneProbe()
    {
        var hold = new NoSubscriberHold(Min, Max, _time);
        hold.NoSubscribers(probe: false);

        var first = hold.WaitAsync(CancellationToken.None).AsTask();
        var second = hold.WaitAsync(CancellationToken.None).AsTask();
        _time.Advance(Min - TimeSpan.FromMilliseconds(1));
        Assert.False(first.IsCompleted || second.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var probe = await Task.WhenAny(first, second);
        Assert.True(await probe);
        var other = probe == first ? second : first;
        Assert.False(other.IsCompleted);

        // The probe reaches a subscriber: the hold is lifted and the other worker goes on as a normal publisher.
        hold.Delivered(probe: true);
        Assert.False(await other);
        Assert.False(hold.IsHeld);
    }

    [Fact]
    public async Task NoSubscribers_EachProbeAnsweredAgain_DoublesTheHoldUpToMax()
    {
        var hold = new NoSubscriberHold(Min, Max, _time);
        hold.NoSubscribers(probe: false);
        var seen = new List<TimeSpan> { hold.Backoff };
        for (int i = 0; i < 5; i++)
        {
            var wait = hold.WaitAsync(CancellationToken.None).AsTask();
            _time.Advance(hold.Backoff);
            Assert.True(await wait);
            hold.NoSubscribers(probe: true);
            seen.Add(hold.Backoff);
        }

        Assert.Equal([1, 2, 4, 8, 8, 8], seen.Select(b => b.TotalSeconds));
    }

    [Fact]
    public void NoSubscribers_AnswersOfMessagesInFlightDuringTheHold_DoNotLengthenIt()
    {
        var hold = new NoSubscriberHold(Min, Max, _time);
        hold.NoSubscribers(probe: false);
        hold.NoSubscribers(probe: false);
        hold.NoSubscribers(probe: false);

        Assert.Equal(Min, hold.Backoff);
    }

    [Fact]
    public async Task EndProbe_ProbeWithoutAnswer_NextWaiterProbes()
    {
        var hold = new NoSubscriberHold(Min, Max, _time);
        hold.NoSubscribers(probe: false);
        _time.Advance(Min);
        Assert.True(await hold.WaitAsync(CancellationToken.None));
        var next = hold.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);

        hold.EndProbe();

        Assert.True(await next);
        Assert.True(hold.IsHeld);
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        var hold = new NoSubscriberHold(Min, Max, _time);
        hold.NoSubscribers(probe: false);
        using var cts = new CancellationTokenSource();
        var wait = hold.WaitAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
