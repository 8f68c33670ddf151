using CityBrain.Sensing;

namespace CityBrain.Edge.Processing;

/// <summary>
/// Tumbling-window aggregation, per quantity: windows <c>[k·L, (k+1)·L)</c> by source timestamp; when a window closes
/// (a reading of a later window arrives, or <see cref="Tick"/> passes its end) it emits the configured
/// <c>_min</c>, <c>_max</c>, <c>_mean</c>, <c>_count</c> readings timestamped at the window <em>end</em> (the moment
/// the aggregate became known), in the input's unit (<c>count</c> for <c>_count</c>).
/// </summary>
/// <remarks>
/// Bad readings are not aggregated (they are known to be wrong) and pass no value; an aggregate's quality is the worst
/// of its inputs (Uncertain in → Uncertain out). A window with no usable reading emits nothing. A late reading (older
/// than the open window) is folded into the open window rather than dropped.
/// </remarks>
public sealed class WindowAggregate : IReadingProcessor
{
    public const string CountUnit = "count";

    private readonly long _lengthMs;
    private readonly WindowOutputs _outputs;
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public WindowAggregate(WindowAggregateOptions options)
    {
        options.Validate();
        _lengthMs = (long)options.Length.TotalMilliseconds;
        _outputs = options.Outputs;
    }

    public void Process(in Reading reading, IReadingCollector output)
    {
        if (reading.Quality == Quality.Bad)
        {
            return;
        }

        long ms = reading.TimestampMs;
        long start = ms - (((ms % _lengthMs) + _lengthMs) % _lengthMs);
        if (!_windows.TryGetValue(reading.Quantity, out Window? window))
        {
            window = new Window(reading.Sensor, reading.Quantity, reading.Unit);
            _windows.Add(reading.Quantity, window);
        }
        else if (window.Count > 0 && start >= window.StartMs + _lengthMs)
        {
            Emit(window, output);
        }

        if (window.Count == 0)
        {
            window.StartMs = start;
        }

        window.Add(reading);
    }

    public void Tick(DateTimeOffset now, IReadingCollector output)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        foreach (Window window in _windows.Values)
        {
            if (window.Count > 0 && nowMs >= window.StartMs + _lengthMs)
            {
                Emit(window, output);
            }
        }
    }

    private void Emit(Window w, IReadingCollector output)
    {
        DateTimeOffset end = DateTimeOffset.FromUnixTimeMilliseconds(w.StartMs + _lengthMs);
        if ((_outputs & WindowOutputs.Min) != 0)
        {
            output.Add(new Reading(w.Sensor, w.Quantity + "_min", w.Min, w.Unit, end, w.Quality));
        }

        if ((_outputs & WindowOutputs.Max) != 0)
        {
            output.Add(new Reading(w.Sensor, w.Quantity + "_max", w.Max, w.Unit, end, w.Quality));
        }

        if ((_outputs & WindowOutputs.Mean) != 0)
        {
            output.Add(new Reading(w.Sensor, w.Quantity + "_mean", w.Sum / w.Count, w.Unit, end, w.Quality));
        }

        if ((_outputs & WindowOutputs.Count) != 0)
        {
            output.Add(new Reading(w.Sensor, w.Quantity + "_count", w.Count, CountUnit, end, w.Quality));
        }

        w.Reset();
    }

    private sealed class Window(string sensor, string quantity, string unit)
    {
        public string Sensor { get; } = sensor;

        public string Quantity { get; } = quantity;

        public string Unit { get; private set; } = unit;

        public long StartMs { get; set; }

        public int Count { get; private set; }

        public double Min { get; private set; }

        public double Max { get; private set; }

        public double Sum { get; private set; }

        public Quality Quality { get; private set; }

        public void Add(in Reading reading)
        {
            Min = Count == 0 ? reading.Value : Math.Min(Min, reading.Value);
            Max = Count == 0 ? reading.Value : Math.Max(Max, reading.Value);
            Quality = Count == 0 ? reading.Quality : QualityMath.Worst(Quality, reading.Quality);
            Sum += reading.Value;
            Unit = reading.Unit;
            Count++;
        }

        public void Reset()
        {
            Count = 0;
            Sum = 0;
        }
    }
}
