using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// Source-generated serializers for the messages the edge publishes, with <see cref="ContractJson.Options"/>'s
/// settings: no reflection, so the edge service can be published NativeAOT (deploy/install-edge.sh, bench/edge.sh).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    WriteIndented = false)]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(HealthMessage))]
public sealed partial class ContractJsonContext : JsonSerializerContext;
