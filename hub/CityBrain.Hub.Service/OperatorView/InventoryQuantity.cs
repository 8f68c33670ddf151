namespace CityBrain.Hub.Service.OperatorView;

/// <summary>A quantity a sensor reports, in its unit; <paramref name="Catalogue"/> is null when catalogued, else why not (unknown_quantity, unit_mismatch).</summary>
public sealed record InventoryQuantity(string Quantity, string Unit, string? Catalogue);
