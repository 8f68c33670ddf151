using CityBrain.Sensing;

namespace CityBrain.Edge.Runners;

/// <summary>What one out-of-turn poll read (<see cref="SensorRunner.ReadNowAsync"/>): the driver's readings and the faults.</summary>
public sealed record PollResult(IReadOnlyList<Reading> Readings, IReadOnlyList<SensorFault> Faults);
