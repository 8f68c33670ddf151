namespace CityBrain.Edge.Buffering;

/// <summary>Option validation helpers: every message names the field, the value and the fix.</summary>
internal static class OptionChecks
{
    public static void Positive(TimeSpan value, string owner, string field, string fix)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(field, value, $"{owner}.{field} is {value}; it must be positive: {fix}.");
        }
    }

    public static void InRange(long value, long min, long max, string owner, string field, string fix)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(
                field, value, $"{owner}.{field} is {value}; it must be between {min} and {max}: {fix}.");
        }
    }
}
