using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests;

/// <summary>
/// A fake clock whose wall time can be stepped (as NTP or an operator steps a node's clock) while its monotonic time,
/// timers and delays keep running on <see cref="Fake"/>: <see cref="FakeTimeProvider"/> alone moves both together.
/// </summary>
public sealed class SteppedWallClock(DateTimeOffset start) : TimeProvider
{
    private TimeSpan _step;

    public FakeTimeProvider Fake { get; } = new(start);

    /// <summary>Moves the wall clock by <paramref name="step"/> (negative: backward); monotonic time does not move.</summary>
    public void StepWallClock(TimeSpan step) => _step += step;

    public void Advance(TimeSpan delta) => Fake.Advance(delta);

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow() + _step;

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Fake.CreateTimer(callback, state, dueTime, period);
}
