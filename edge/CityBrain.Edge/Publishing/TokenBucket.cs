namespace CityBrain.Edge.Publishing;

/// <summary>
/// Paces the backlog drain (readings per second) on a <see cref="TimeProvider"/>, so tests run it on a fake clock.
/// (System.Threading.RateLimiting's token bucket runs on its own timer and cannot take a TimeProvider.)
/// Not thread-safe on its own; callers serialise access.
/// </summary>
public sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly double _ratePerSecond;
    private readonly double _capacity;
    private double _tokens;
    private long _lastTimestamp;

    public TokenBucket(double ratePerSecond, double capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ratePerSecond = ratePerSecond;
        _capacity = capacity;
        _time = time;
        _tokens = capacity;
        _lastTimestamp = time.GetTimestamp();
    }

    /// <summary>Takes up to <paramref name="wanted"/> whole tokens; returns how many were granted (0 when empty).</summary>
    public int TryTake(int wanted)
    {
        Refill();
        int granted = (int)Math.Min(wanted, Math.Floor(_tokens));
        _tokens -= granted;
        return granted;
    }

    /// <summary>Gives back tokens taken for readings that were not sent after all.</summary>
    public void Return(int tokens)
    {
        _tokens = Math.Min(_capacity, _tokens + tokens);
    }

    /// <summary>How long until at least one token is available.</summary>
    public TimeSpan TimeUntilNext()
    {
        Refill();
        return _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / _ratePerSecond);
    }

    private void Refill()
    {
        long now = _time.GetTimestamp();
        double seconds = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        _lastTimestamp = now;
        _tokens = Math.Min(_capacity, _tokens + (seconds * _ratePerSecond));
    }
}
