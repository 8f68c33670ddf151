using System.Text.Json;

namespace CityBrain.Provisioning.NodeConfig;

/// <summary>
/// One sensor (a device with one or more channels) and how to read it. Common fields first, then the fields of each
/// driver: <c>simulated</c> (kind, seed, faultEvery, samplesPerPoll) and <c>modbus</c> (bus, unit, template, points).
/// </summary>
public sealed record SensorSection
{
    public const string Simulated = "simulated";
    public const string Modbus = "modbus";

    public required string Id { get; init; }

    public required string Driver { get; init; }

    public required int IntervalMs { get; init; }

    /// <summary>Random offset added to each poll so sensors with the same interval do not poll in lock-step.</summary>
    public int JitterMs { get; init; }

    /// <summary>How long one poll may take; default: the interval, at most 10 s.</summary>
    public int? TimeoutMs { get; init; }

    public string? Kind { get; init; }

    public int Seed { get; set; } = 1;

    public int FaultEvery { get; init; }

    /// <summary>Simulated: samples per channel per poll (1..1000), spread evenly over the interval ending at the poll.</summary>
    public int SamplesPerPoll { get; set; } = 1;

    public string? Bus { get; init; }

    public int? Unit { get; init; }

    public string? Template { get; init; }

    public IReadOnlyList<string>? Points { get; init; }

    /// <summary>Processing stages in order; each element's <c>type</c> picks the stage, the rest are its options.</summary>
    public IReadOnlyList<JsonElement> Processors { get; set; } = [];

    public TimeSpan Interval => TimeSpan.FromMilliseconds(IntervalMs);

    public TimeSpan EffectiveTimeout => TimeSpan.FromMilliseconds(TimeoutMs ?? Math.Min(IntervalMs, 10_000));
}
