namespace CityBrain.Sensing.Catalogue;

/// <summary>What the catalogue says about a (quantity, unit) pair a reading carries.</summary>
public enum CatalogueStatus
{
    /// <summary>A catalogued quantity in its unit.</summary>
    Known,

    /// <summary>A catalogued quantity with an edge processor's suffix (<c>pm2_5_mean</c>), in the unit the suffix gives.</summary>
    Derived,

    /// <summary>The name is neither catalogued nor a catalogued name with a known suffix.</summary>
    UnknownQuantity,

    /// <summary>A catalogued (or derived) quantity in another unit than the catalogue's.</summary>
    UnitMismatch,
}
