using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Catalogue;

/// <summary>The catalogue file as it is stored and served (schema <c>catalogue.v1</c>).</summary>
public sealed record CatalogueDocument
{
    /// <summary>The file's <c>$schema</c> reference (editors use it); not served.</summary>
    [JsonPropertyName("$schema")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Schema { get; init; }

    [JsonPropertyName("version")]
    public required int Version { get; init; }

    [JsonPropertyName("quantities")]
    public required IReadOnlyList<CatalogueQuantity> Quantities { get; init; }

    [JsonPropertyName("derived")]
    // `set`, not `init`: the source generator drops the default of a missing `init` property of a type with
    // required members (dotnet/runtime#84484).
    public IReadOnlyList<DerivedSuffix> Derived { get; set; } = [];
}
