namespace CityBrain.Drivers.Modbus;

/// <summary>How one simulated point moves: smooth mean-reverting random walk, daily curve, counter, or constant.</summary>
internal sealed class PointSignal
{
    private readonly string _pattern;
    private readonly double _low;
    private readonly double _high;
    private readonly double _rate;

    public PointSignal(TemplatePoint point, double? initial)
    {
        Point = point;
        var hint = point.Simulation;
        _pattern = point.Type == PointType.Bit
            ? (hint?.Pattern == "constant" ? "constant" : "bit")
            : hint?.Pattern ?? "walk";
        double min = point.ValidMin ?? 0;
        double max = point.ValidMax ?? (initial is { } v ? Math.Max(1, Math.Abs(v) * 2) : 100);
        double span = max - min;
        _low = hint?.Min ?? (initial is { } i1 ? Math.Max(min, i1 - (0.1 * span)) : min + (0.2 * span));
        _high = hint?.Max ?? (initial is { } i2 ? Math.Min(max, i2 + (0.1 * span)) : min + (0.6 * span));
        _rate = _pattern == "counter" ? hint?.Max ?? 60 : 0;
        if (_pattern == "counter")
        {
            _low = hint?.Min ?? initial ?? 0;
            _high = double.MaxValue;
        }

        Value = initial ?? (_pattern == "counter" ? _low : (_low + _high) / 2);
    }

    public TemplatePoint Point { get; }

    public double Value { get; private set; }

    public void Step(double seconds, DateTimeOffset now, Random random)
    {
        switch (_pattern)
        {
            case "constant":
                return;
            case "bit":
                if (random.NextDouble() < seconds * 0.01)
                {
                    Value = Value != 0 ? 0 : 1;
                }

                return;
            case "counter":
                Value += _rate * seconds / 3600 * (0.5 + random.NextDouble());
                return;
            case "diurnal":
                double hours = now.UtcDateTime.TimeOfDay.TotalHours;
                double centre = (_low + _high) / 2;
                double amplitude = (_high - _low) / 2;
                double target = centre + (amplitude * Math.Sin(2 * Math.PI * (hours - 9) / 24));
                Value = Math.Clamp(target + (Gaussian(random) * amplitude * 0.02), _low, _high);
                return;
            default:
                double mid = (_low + _high) / 2;
                double sigma = (_high - _low) * 0.02;
                Value += (0.05 * (mid - Value) * Math.Min(seconds, 10)) + (sigma * Math.Sqrt(seconds) * Gaussian(random));
                Value = Math.Clamp(Value, _low, _high);
                return;
        }
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
