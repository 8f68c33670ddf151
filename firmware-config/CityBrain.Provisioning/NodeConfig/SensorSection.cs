using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Provisioning.NodeConfig;

/// <summary>
/// One sensor (a device with one or more channels) and how often to read it. These are the fields every sensor has;
/// the rest of the entry belongs to its driver, which reads and checks it (<c>CityBrain.Sensing.Drivers</c>): the
/// node configuration's schema composes each driver's fields under <c>if driver = NAME</c>.
/// </summary>
public sealed record SensorSection
{
    public required string Id { get; init; }

    public required string Driver { get; init; }

    public required int IntervalMs { get; init; }

    /// <summary>Random offset added to each poll so sensors with the same interval do not poll in lock-step.</summary>
    public int JitterMs { get; init; }

    /// <summary>How long one poll may take; default: the interval, at most 10 s.</summary>
    public int? TimeoutMs { get; init; }

    /// <summary>Processing stages in order; each element's <c>type</c> picks the stage, the rest are its options.</summary>
    public IReadOnlyList<JsonElement> Processors { get; set; } = [];

    /// <summary>The driver's own fields, read by the driver's definition.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? DriverFields { get; set; }

    public TimeSpan Interval => TimeSpan.FromMilliseconds(IntervalMs);

    public TimeSpan EffectiveTimeout => TimeSpan.FromMilliseconds(TimeoutMs ?? Math.Min(IntervalMs, 10_000));
}
