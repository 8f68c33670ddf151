using CityBrain.Sensing;

namespace CityBrain.Edge.Processing;

/// <summary>
/// Range validation: passes every reading on, lowering its quality when it lies outside the physical range (Bad by
/// default) or the plausible range (Uncertain). Quality is never raised. Stateless.
/// </summary>
public sealed class RangeCheck : IReadingProcessor
{
    private readonly double _min;
    private readonly double _max;
    private readonly double _plausibleMin;
    private readonly double _plausibleMax;
    private readonly Quality _outside;

    public RangeCheck(RangeCheckOptions options)
    {
        options.Validate();
        _min = options.Min ?? double.NegativeInfinity;
        _max = options.Max ?? double.PositiveInfinity;
        _plausibleMin = options.PlausibleMin ?? double.NegativeInfinity;
        _plausibleMax = options.PlausibleMax ?? double.PositiveInfinity;
        _outside = options.OutsideQuality;
    }

    public void Process(in Reading reading, IReadingCollector output)
    {
        double v = reading.Value;
        Quality quality = reading.Quality;
        if (v < _min || v > _max)
        {
            quality = QualityMath.Worst(quality, _outside);
        }
        else if (v < _plausibleMin || v > _plausibleMax)
        {
            quality = QualityMath.Worst(quality, Quality.Uncertain);
        }

        output.Add(quality == reading.Quality ? reading : reading with { Quality = quality });
    }

    public void Tick(DateTimeOffset now, IReadingCollector output)
    {
    }
}
