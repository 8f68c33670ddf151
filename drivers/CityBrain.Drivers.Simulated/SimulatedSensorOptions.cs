namespace CityBrain.Drivers.Simulated;

/// <summary>A simulated sensor: its id, family and seed. The same seed and time always give the same values.</summary>
/// <param name="SensorId">The sensor's id within the node.</param>
/// <param name="Kind">Which family of values to produce.</param>
/// <param name="Seed">Makes sensors of one kind differ from each other, deterministically.</param>
/// <param name="FaultEvery">When &gt; 0, every Nth poll reports a <c>timeout</c> fault instead of readings (to exercise fault paths).</param>
/// <param name="SamplesPerPoll">Samples per channel per poll (1..1000), like a sensor draining its FIFO: timestamps spread evenly over
/// <paramref name="PollInterval"/>, the last one at the poll time.</param>
/// <param name="PollInterval">The poll interval the samples of one poll cover; only used when <paramref name="SamplesPerPoll"/> &gt; 1.</param>
public sealed record SimulatedSensorOptions(string SensorId, SimulatedSensorKind Kind, int Seed = 1, int FaultEvery = 0, int SamplesPerPoll = 1, TimeSpan PollInterval = default)
{
    /// <summary>The most samples one poll may carry per channel.</summary>
    public const int MaxSamplesPerPoll = 1000;
}
