namespace CityBrain.Hub.Health;

/// <summary>Why a reading is flagged as uncatalogued (the view's <see cref="QuantityView.Catalogue"/>, the metric's <c>reason</c>).</summary>
public static class UncataloguedReasons
{
    /// <summary>The quantity is not in the catalogue (nor a catalogued name with a derived suffix).</summary>
    public const string UnknownQuantity = "unknown_quantity";

    /// <summary>The quantity is catalogued, the unit is not the catalogue's.</summary>
    public const string UnitMismatch = "unit_mismatch";
}
