namespace CityBrain.Drivers.Modbus;

/// <summary>A device type's register map (EdgeX's device profile): loaded from JSON and validated once.</summary>
public sealed record DeviceTemplate
{
    public required string Name { get; init; }

    public string Vendor { get; init; } = "";

    public string Model { get; init; } = "";

    public string Description { get; init; } = "";

    /// <summary>Unit id used when the node configuration names none.</summary>
    public byte DefaultUnitId { get; init; } = 1;

    public TemplateQuirks Quirks { get; init; } = new();

    public required IReadOnlyList<TemplatePoint> Points { get; init; }

    /// <summary>The file it was loaded from, for error messages.</summary>
    public string Source { get; init; } = "";

    public TemplatePoint? FindPoint(string name)
    {
        foreach (var point in Points)
        {
            if (point.Name == name)
            {
                return point;
            }
        }

        return null;
    }
}
