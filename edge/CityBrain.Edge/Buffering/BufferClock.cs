using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// A buffer's time: the wall clock read once when the buffer opens, advanced by the monotonic clock from then on, so a
/// wall-clock step while the node runs neither purges the buffer (forward) nor freezes its lanes and group commits
/// (backward). Append times (lanes, expiry, persisted on disk) are in this time; readings keep their own wall-clock
/// timestamps. It also tells whether the wall clock is plausibly set: not before <c>earliestPlausible</c> (the
/// software's build date in production), which a node without a real-time clock fails until NTP has synchronised it.
/// </summary>
internal sealed class BufferClock
{
    private readonly TimeProvider _time;
    private readonly long _anchorMs;
    private readonly long _anchorTimestamp;
    private readonly DateTimeOffset _earliestPlausible;

    public BufferClock(TimeProvider time, DateTimeOffset earliestPlausible)
    {
        _time = time;
        _earliestPlausible = earliestPlausible;
        _anchorTimestamp = time.GetTimestamp();
        _anchorMs = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>Unix milliseconds on the buffer's clock: the wall clock at open plus the monotonic time since.</summary>
    public long NowMs => _anchorMs + (long)_time.GetElapsedTime(_anchorTimestamp).TotalMilliseconds;

    /// <summary>Unix milliseconds of the earliest plausible wall-clock time; an append time before it cannot be trusted.</summary>
    public long EarliestPlausibleMs => _earliestPlausible.ToUnixTimeMilliseconds();

    /// <summary>False while the wall clock reads before the earliest plausible time (not synchronised yet).</summary>
    public bool IsWallClockPlausible => _time.GetUtcNow() >= _earliestPlausible;

    /// <summary>
    /// Gives readings stamped before the clock was set (timestamps before the earliest plausible time) the time they were
    /// really read: their timestamp plus the step the wall clock made since the buffer opened (wall now minus buffer
    /// now), so the hub stores them instead of dead-lettering them. Exact when the step happened while this buffer was
    /// open (the usual case: NTP sets the clock a minute after boot); readings from an earlier run are left as they are.
    /// </summary>
    public void CorrectUnsetTimestamps(List<SequencedReading> readings)
    {
        if (_earliestPlausible == DateTimeOffset.MinValue || readings.Count == 0)
        {
            return;
        }

        DateTimeOffset now = _time.GetUtcNow();
        long stepMs = now.ToUnixTimeMilliseconds() - NowMs;
        if (now < _earliestPlausible || stepMs <= 0)
        {
            return;
        }

        for (int i = 0; i < readings.Count; i++)
        {
            Reading reading = readings[i].Reading;
            if (reading.Timestamp < _earliestPlausible)
            {
                readings[i] = readings[i] with { Reading = reading with { Timestamp = reading.Timestamp.AddMilliseconds(stepMs) } };
            }
        }
    }

    public string ImplausibleProblem =>
        $"wall clock {_time.GetUtcNow():O} is before {_earliestPlausible:yyyy-MM-dd} (not synchronised): publishing and expiry held";
}
