using CityBrain.Sensing;

namespace CityBrain.Edge.Processing;

/// <summary>
/// Report by exception, per quantity of the sensor: a reading is passed on when it is the first, when its quality
/// differs from the last reported one, or when its value moved more than the absolute or percent deadband (either
/// suffices) from the last <em>reported</em> value (so slow drifts are reported once they add up).
/// </summary>
/// <remarks>
/// Heartbeat (<see cref="DeadbandOptions.MaxSilent"/>): when nothing was reported for that long, the next reading is
/// reported whatever its change. And on <see cref="Tick"/>, when nothing was reported for that long, the last
/// <em>received</em> reading is re-emitted re-stamped with the tick time, quality unchanged, so the hub sees the
/// sensor alive with an unchanged value; but only if that reading is itself younger than the silent interval, so a
/// sensor that stopped reading never gets a stale value dressed up as fresh (its faults tell that story).
/// </remarks>
public sealed class Deadband : IReadingProcessor
{
    private readonly double _absolute;
    private readonly double _fraction;
    private readonly TimeSpan? _maxSilent;
    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);

    public Deadband(DeadbandOptions options)
    {
        options.Validate();
        _absolute = options.Absolute ?? double.PositiveInfinity;
        _fraction = options.Percent is double p ? p / 100 : double.PositiveInfinity;
        _maxSilent = options.MaxSilent;
    }

    public void Process(in Reading reading, IReadingCollector output)
    {
        if (!_states.TryGetValue(reading.Quantity, out State? state))
        {
            state = new State();
            _states.Add(reading.Quantity, state);
        }

        state.LastReceived = reading;
        if (state.Reported is not Reading last || ShouldReport(last, reading, state.LastReportAt))
        {
            Report(state, reading, reading.Timestamp, output);
        }
    }

    public void Tick(DateTimeOffset now, IReadingCollector output)
    {
        if (_maxSilent is not TimeSpan silent)
        {
            return;
        }

        foreach (State state in _states.Values)
        {
            if (state.LastReceived is Reading received && now - state.LastReportAt >= silent && now - received.Timestamp < silent)
            {
                Report(state, received with { Timestamp = now }, now, output);
            }
        }
    }

    private bool ShouldReport(Reading last, Reading current, DateTimeOffset lastReportAt)
    {
        if (current.Quality != last.Quality)
        {
            return true;
        }

        if (_maxSilent is TimeSpan silent && current.Timestamp - lastReportAt >= silent)
        {
            return true;
        }

        double change = Math.Abs(current.Value - last.Value);
        return change > _absolute || change > _fraction * Math.Abs(last.Value);
    }

    private static void Report(State state, in Reading reading, DateTimeOffset at, IReadingCollector output)
    {
        state.Reported = reading;
        state.LastReportAt = at;
        output.Add(reading);
    }

    private sealed class State
    {
        public Reading? Reported { get; set; }

        public Reading? LastReceived { get; set; }

        public DateTimeOffset LastReportAt { get; set; }
    }
}
