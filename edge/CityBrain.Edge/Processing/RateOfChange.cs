using CityBrain.Sensing;

namespace CityBrain.Edge.Processing;

/// <summary>
/// Rate of change, per quantity: for each reading after the first it emits <c>&lt;quantity&gt;_rate</c> =
/// Δvalue / Δtime in <see cref="RateOfChangeOptions.Per"/>, unit <c>&lt;unit&gt;/s</c> (or <c>/min</c>, <c>/h</c>), stamped
/// with the later reading's time, quality the worse of the two. Bad readings give no rate and do not become the
/// reference; readings not newer than the reference give no rate (no division by zero or negative time).
/// </summary>
public sealed class RateOfChange : IReadingProcessor
{
    public const string Suffix = "_rate";

    private readonly RateOfChangeOptions _options;
    private readonly string _perSymbol;
    private readonly Dictionary<string, Reading> _previous = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Quantity, string Unit), (string Quantity, string Unit)> _names = [];

    public RateOfChange(RateOfChangeOptions options)
    {
        options.Validate();
        _options = options;
        _perSymbol = options.PerSymbol;
    }

    public void Process(in Reading reading, IReadingCollector output)
    {
        if (_options.KeepInput)
        {
            output.Add(reading);
        }

        if (reading.Quality == Quality.Bad)
        {
            return;
        }

        if (_previous.TryGetValue(reading.Quantity, out Reading previous))
        {
            TimeSpan elapsed = reading.Timestamp - previous.Timestamp;
            if (elapsed <= TimeSpan.Zero)
            {
                return;
            }

            (string quantity, string unit) = Names(reading.Quantity, reading.Unit);
            double rate = (reading.Value - previous.Value) / (elapsed / _options.Per);
            output.Add(new Reading(reading.Sensor, quantity, rate, unit, reading.Timestamp, QualityMath.Worst(reading.Quality, previous.Quality)));
        }

        _previous[reading.Quantity] = reading;
    }

    public void Tick(DateTimeOffset now, IReadingCollector output)
    {
    }

    private (string Quantity, string Unit) Names(string quantity, string unit)
    {
        if (!_names.TryGetValue((quantity, unit), out (string, string) names))
        {
            names = (quantity + Suffix, unit + "/" + _perSymbol);
            _names.Add((quantity, unit), names);
        }

        return names;
    }
}
