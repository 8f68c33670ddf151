using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Health;

/// <summary>A sensor as the registry knows it (see <see cref="SensorStatus"/>).</summary>
public sealed record SensorView
{
    public required string Id { get; init; }

    public string? Driver { get; init; }

    /// <summary>Expected poll interval from the node's status message (0 when unknown).</summary>
    public long IntervalMs { get; init; }

    public required string Status { get; init; }

    /// <summary>The status the node reported in health: ok, fault or idle (null before the first health message).</summary>
    public string? HealthStatus { get; init; }

    /// <summary>Last sign of life: a reading received, or a successful read reported in health.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    public FaultInfo? LastError { get; init; }

    public long Sampled { get; init; }

    public long Filtered { get; init; }

    public long Faults { get; init; }

    public long Overruns { get; init; }

    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    public IReadOnlyList<QuantityView> Quantities { get; set; } = [];
}
