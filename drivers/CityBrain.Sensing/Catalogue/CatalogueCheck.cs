namespace CityBrain.Sensing.Catalogue;

/// <summary>
/// The catalogue's answer for a (quantity, unit) pair: <see cref="Status"/>, the entry it resolved to (the base
/// quantity of a derived name) and the unit(s) expected, for messages.
/// </summary>
public readonly record struct CatalogueCheck(CatalogueStatus Status, CatalogueQuantity? Entry, string? ExpectedUnit)
{
    /// <summary>True for <see cref="CatalogueStatus.Known"/> and <see cref="CatalogueStatus.Derived"/>.</summary>
    public bool IsValid => Status is CatalogueStatus.Known or CatalogueStatus.Derived;
}
