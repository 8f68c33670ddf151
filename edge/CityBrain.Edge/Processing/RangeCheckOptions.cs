using CityBrain.Sensing;

namespace CityBrain.Edge.Processing;

/// <summary>
/// Settings of <see cref="RangeCheck"/>. <see cref="Min"/>/<see cref="Max"/> is the sensor's physical (valid) range:
/// outside it the reading gets <see cref="OutsideQuality"/> (default <see cref="Quality.Bad"/>).
/// <see cref="PlausibleMin"/>/<see cref="PlausibleMax"/> is the narrower range of believable values: outside it the
/// reading gets <see cref="Quality.Uncertain"/>. Any bound may be left out.
/// </summary>
public sealed record RangeCheckOptions
{
    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary>Quality for a value outside <see cref="Min"/>/<see cref="Max"/>: Bad (default) or Uncertain.</summary>
    public Quality OutsideQuality { get; init; } = Quality.Bad;

    public double? PlausibleMin { get; init; }

    public double? PlausibleMax { get; init; }

    public void Validate()
    {
        CheckOrder(Min, Max, nameof(Min), nameof(Max));
        CheckOrder(PlausibleMin, PlausibleMax, nameof(PlausibleMin), nameof(PlausibleMax));
        if (OutsideQuality == Quality.Good)
        {
            throw new ArgumentException(
                $"RangeCheckOptions.{nameof(OutsideQuality)} is Good; a value outside the range must be marked: use Bad or Uncertain.",
                nameof(OutsideQuality));
        }

        if (Min is null && Max is null && PlausibleMin is null && PlausibleMax is null)
        {
            throw new ArgumentException("RangeCheckOptions sets no bound; set min and/or max (or plausibleMin/plausibleMax).", nameof(Min));
        }
    }

    private static void CheckOrder(double? low, double? high, string lowName, string highName)
    {
        if (low is double l && !double.IsFinite(l))
        {
            throw new ArgumentOutOfRangeException(lowName, l, $"RangeCheckOptions.{lowName} is {l}; use a finite number.");
        }

        if (high is double h && !double.IsFinite(h))
        {
            throw new ArgumentOutOfRangeException(highName, h, $"RangeCheckOptions.{highName} is {h}; use a finite number.");
        }

        if (low > high)
        {
            throw new ArgumentOutOfRangeException(
                lowName, low, $"RangeCheckOptions.{lowName} ({low}) is above {highName} ({high}); swap them or correct one.");
        }
    }
}
