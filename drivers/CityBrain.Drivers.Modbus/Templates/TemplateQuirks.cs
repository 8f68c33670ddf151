namespace CityBrain.Drivers.Modbus;

/// <summary>What a device does differently from the spec; the planner and bus honour these.</summary>
public sealed record TemplateQuirks
{
    /// <summary>The device's own limit on registers per read (≤ 125).</summary>
    public int MaxRegistersPerRequest { get; init; } = 125;

    /// <summary>The device's own limit on bits per read (≤ 2000).</summary>
    public int MaxBitsPerRequest { get; init; } = 2000;

    /// <summary>The device answers only unit id 255 (typical of some TCP devices addressed by IP).</summary>
    public bool RequiresUnitId255 { get; init; }

    /// <summary>Extra rest the device needs after each transaction.</summary>
    public TimeSpan Turnaround { get; init; }

    /// <summary>Registers the device refuses to read (exception 02): requests never span them.</summary>
    public IReadOnlyList<AddressRange> Unreadable { get; init; } = [];

    /// <summary>Allow holding addresses ≥ 40001 / input ≥ 30001 (genuine 0-based maps such as SunSpec).</summary>
    public bool HighAddresses { get; init; }
}
