namespace CityBrain.Drivers.Simulated;

/// <summary>A simulated sensor's fields in the node configuration (<c>{"driver": "simulated", "kind": "bin", "seed": 7}</c>).</summary>
public sealed record SimulatedSensorFields
{
    /// <summary><c>traffic</c>, <c>bin</c>, <c>environment</c> or <c>water</c>.</summary>
    public string Kind { get; set; } = "";

    public int Seed { get; set; } = 1;

    /// <summary>When &gt; 0, every Nth poll reports a <c>timeout</c> fault (to exercise fault paths).</summary>
    public int FaultEvery { get; set; }

    /// <summary>Samples per channel per poll (1..1000), spread over the interval ending at the poll.</summary>
    public int SamplesPerPoll { get; set; } = 1;
}
