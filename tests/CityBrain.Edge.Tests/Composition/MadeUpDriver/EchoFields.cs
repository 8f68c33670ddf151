namespace CityBrain.Edge.Tests.Composition.MadeUpDriver;

/// <summary>The made-up driver's fields: it reports <see cref="Value"/> as <see cref="Quantity"/> on every poll.</summary>
public sealed record EchoFields
{
    public string Quantity { get; set; } = "";

    public double Value { get; set; }

    public string Unit { get; set; } = "";
}
