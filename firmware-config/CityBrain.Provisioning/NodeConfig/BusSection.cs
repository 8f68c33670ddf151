using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Provisioning.NodeConfig;

/// <summary>
/// A physical bus the node drives (an RS-485 line, a Modbus TCP connection, an I2C bus): its id and kind. The rest of
/// the entry belongs to the kind, which a driver brings (<c>CityBrain.Sensing.Drivers.IBusKindDefinition</c>).
/// </summary>
public sealed record BusSection
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    /// <summary>The kind's own fields, read by its definition.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? KindFields { get; set; }
}
