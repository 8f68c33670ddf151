namespace CityBrain.Sensing;

/// <summary>
/// A driver that has facts worth showing in the node's health beside its counters: which GPIO chip and library driver
/// were chosen, when an input last saw an edge, pulses missed while the service was down. Published as the sensor's
/// <c>detail</c> in the health message (at most 16 entries, values up to 200 characters).
/// </summary>
public interface ISensorDiagnostics
{
    /// <summary>A fresh snapshot of the facts; called from the health reporter's thread.</summary>
    IReadOnlyDictionary<string, string> Diagnostics();
}
