namespace CityBrain.Sensing;

/// <summary>
/// Where a node stands in the city's hierarchy: city → district → street → grid cell. Ids are lower-case
/// slugs (<c>[a-z0-9][a-z0-9-]*</c>) because the district and grid cell become MQTT topic levels and InfluxDB tags.
/// </summary>
public sealed record Location(string City, string District, string Street, string Grid)
{
    /// <summary>True when <paramref name="value"/> is a valid id for a location level, a node or a sensor.</summary>
    public static bool IsValidId(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64)
        {
            return false;
        }

        if (!IsLowerAlnum(value[0]))
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!IsLowerAlnum(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
