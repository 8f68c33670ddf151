namespace CityBrain.Hub.Service.OperatorView;

/// <summary>A sensor of an <see cref="InventoryNode"/>: its driver, poll interval (0 when unknown) and quantities.</summary>
public sealed record InventorySensor(string Id, string? Driver, long IntervalMs, IReadOnlyList<InventoryQuantity> Quantities);
