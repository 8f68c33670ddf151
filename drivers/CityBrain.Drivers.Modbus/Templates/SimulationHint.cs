namespace CityBrain.Drivers.Modbus;

/// <summary>How the device simulator moves a point: pattern and band (defaults: a random walk in the valid range's middle).</summary>
/// <param name="Pattern"><c>walk</c> (smooth random walk), <c>diurnal</c> (daily sine + noise), <c>counter</c> (monotonic), <c>constant</c>.</param>
/// <param name="Min">Lower edge of the simulated band.</param>
/// <param name="Max">Upper edge of the simulated band (for <c>counter</c>: the increase per hour).</param>
public sealed record SimulationHint(string Pattern, double? Min = null, double? Max = null);
