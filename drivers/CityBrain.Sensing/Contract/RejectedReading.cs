namespace CityBrain.Sensing.Contract;

/// <summary>
/// One reading of a telemetry message that broke the contract while the rest of the message was fine: its position,
/// its <c>seq</c> and <c>sensor</c> when they could be read, why it was refused, and its JSON exactly as received.
/// The hub stores the message's good readings and dead-letters these (docs/mqtt-contract.md, "Per-reading rejection").
/// </summary>
public sealed record RejectedReading(int Index, long? Seq, string? Sensor, ContractViolation Violation, string Json);
