using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>A node's place in the city as announced in its status message.</summary>
public sealed record LocationInfo(
    [property: JsonPropertyName("city")] string City,
    [property: JsonPropertyName("district")] string District,
    [property: JsonPropertyName("street")] string Street,
    [property: JsonPropertyName("grid")] string Grid)
{
    public static LocationInfo From(Location location) =>
        new(location.City, location.District, location.Street, location.Grid);
}
