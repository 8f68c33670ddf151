namespace CityBrain.Sensing.Catalogue;

/// <summary>The values of the catalogue's closed fields (the schema lists the same).</summary>
public static class CatalogueKinds
{
    public const string Gauge = "gauge";
    public const string Delta = "delta";
    public const string Total = "total";
    public const string State = "state";

    public static readonly IReadOnlyList<string> Kinds = [Gauge, Delta, Total, State];

    public static readonly IReadOnlyList<string> Domains = ["traffic", "sanitation", "environment", "water", "energy", "lighting", "infrastructure"];

    public static readonly IReadOnlyList<string> Classifications = ["public", "internal", "restricted"];

    /// <summary>The wire unit of every state quantity.</summary>
    public const string BoolUnit = "bool";
}
