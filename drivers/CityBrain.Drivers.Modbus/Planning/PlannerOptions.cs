namespace CityBrain.Drivers.Modbus;

/// <summary>How far the planner may merge: the largest run of unused items it reads to save a request.</summary>
public sealed record PlannerOptions
{
    /// <summary>Unused registers a merged read may span (reading them is cheaper than another request). Default 10.</summary>
    public int MaxGapRegisters { get; init; } = 10;

    /// <summary>Unused bits a merged coil/discrete read may span. Default 64.</summary>
    public int MaxGapBits { get; init; } = 64;

    public static PlannerOptions Default { get; } = new();
}
