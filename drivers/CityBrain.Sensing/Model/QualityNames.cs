namespace CityBrain.Sensing;

/// <summary>The wire names of <see cref="Quality"/> used by the MQTT contract and the InfluxDB schema.</summary>
public static class QualityNames
{
    public const string Good = "good";
    public const string Uncertain = "uncertain";
    public const string Bad = "bad";

    public static string ToWire(this Quality quality) => quality switch
    {
        Quality.Good => Good,
        Quality.Uncertain => Uncertain,
        Quality.Bad => Bad,
        _ => throw new ArgumentOutOfRangeException(nameof(quality), quality, "Unknown quality."),
    };

    public static bool TryParse(ReadOnlySpan<char> text, out Quality quality)
    {
        switch (text)
        {
            case Good: quality = Quality.Good; return true;
            case Uncertain: quality = Quality.Uncertain; return true;
            case Bad: quality = Quality.Bad; return true;
            default: quality = default; return false;
        }
    }
}
