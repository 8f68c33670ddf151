using CityBrain.Edge.Publishing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Publishing;

/// <summary>The backlog drain's pacing, on a fake monotonic clock.</summary>
public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void StartsFull_GrantsUpToCapacity_ThenNothing()
    {
        var bucket = new TokenBucket(ratePerSecond: 100, capacity: 50, _time);

        Assert.Equal(30, bucket.TryTake(30));
        Assert.Equal(20, bucket.TryTake(30)); // only what is left
        Assert.Equal(0, bucket.TryTake(1));
    }

    [Fact]
    public void Refills_AtTheRate_NeverAboveCapacity()
    {
        var bucket = new TokenBucket(ratePerSecond: 100, capacity: 50, _time);
        bucket.TryTake(50);

        _time.Advance(TimeSpan.FromMilliseconds(250)); // 25 tokens
        Assert.Equal(25, bucket.TryTake(1000));

        _time.Advance(TimeSpan.FromHours(1)); // an idle hour does not bank more than the capacity
        Assert.Equal(50, bucket.TryTake(1000));
    }

    [Fact]
    public void OverTenSeconds_GrantsRateTimesTimePlusTheInitialBurst_Exactly()
    {
        var bucket = new TokenBucket(ratePerSecond: 1000, capacity: 100, _time);
        long granted = 0;
        for (int tick = 0; tick < 1000; tick++)
        {
            granted += bucket.TryTake(500);
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        granted += bucket.TryTake(500);
        Assert.Equal(100 + (1000 * 10), granted);
    }

    [Fact]
    public void TimeUntilNext_ZeroWithATokenElseTheWaitForOne()
    {
        var bucket = new TokenBucket(ratePerSecond: 4, capacity: 1, _time);
        Assert.Equal(TimeSpan.Zero, bucket.TimeUntilNext());

        bucket.TryTake(1);
        Assert.Equal(TimeSpan.FromMilliseconds(250), bucket.TimeUntilNext());

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(150), bucket.TimeUntilNext());
    }

    [Fact]
    public void Return_GivesBackUnsentTokens_CappedAtCapacity()
    {
        var bucket = new TokenBucket(ratePerSecond: 10, capacity: 20, _time);
        Assert.Equal(20, bucket.TryTake(20));

        bucket.Return(15);
        Assert.Equal(15, bucket.TryTake(100));

        bucket.Return(100);
        Assert.Equal(20, bucket.TryTake(100));
    }

    [Fact]
    public void InvalidSettings_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(0, 10, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(10, 0, _time));
    }
}
