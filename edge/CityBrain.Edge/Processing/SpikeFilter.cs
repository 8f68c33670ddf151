using CityBrain.Sensing;

namespace CityBrain.Edge.Processing;

/// <summary>
/// Spike rejection, per quantity: a value further than <see cref="SpikeFilterOptions.MaxDeviation"/> from the median
/// of the previous <see cref="SpikeFilterOptions.Window"/> values is rejected (or marked Uncertain). The history holds
/// every non-Bad value, spikes included, so a genuine step change is accepted once it is the majority of the window; until the
/// window is full readings pass unjudged. Bad readings pass untouched and stay out of the history.
/// </summary>
public sealed class SpikeFilter : IReadingProcessor
{
    private readonly SpikeFilterOptions _options;
    private readonly Dictionary<string, History> _histories = new(StringComparer.Ordinal);
    private readonly double[] _sorted;

    public SpikeFilter(SpikeFilterOptions options)
    {
        options.Validate();
        _options = options;
        _sorted = new double[options.Window];
    }

    public void Process(in Reading reading, IReadingCollector output)
    {
        if (reading.Quality == Quality.Bad)
        {
            output.Add(reading);
            return;
        }

        if (!_histories.TryGetValue(reading.Quantity, out History? history))
        {
            history = new History(_options.Window);
            _histories.Add(reading.Quantity, history);
        }

        bool spike = history.IsFull && Math.Abs(reading.Value - Median(history)) > _options.MaxDeviation;
        history.Push(reading.Value);
        if (!spike)
        {
            output.Add(reading);
        }
        else if (_options.Action == SpikeAction.MarkUncertain)
        {
            output.Add(reading with { Quality = QualityMath.Worst(reading.Quality, Quality.Uncertain) });
        }
    }

    public void Tick(DateTimeOffset now, IReadingCollector output)
    {
    }

    private double Median(History history)
    {
        Span<double> values = _sorted.AsSpan(0, history.Count);
        history.CopyTo(values);
        values.Sort();
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private sealed class History(int capacity)
    {
        private readonly double[] _values = new double[capacity];
        private int _next;

        public int Count { get; private set; }

        public bool IsFull => Count == _values.Length;

        public void Push(double value)
        {
            _values[_next] = value;
            _next = (_next + 1) % _values.Length;
            Count = Math.Min(Count + 1, _values.Length);
        }

        public void CopyTo(Span<double> destination) => _values.AsSpan(0, Count).CopyTo(destination);
    }
}
