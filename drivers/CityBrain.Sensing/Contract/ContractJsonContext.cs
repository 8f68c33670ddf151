using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// Source-generated serializers for the contract's messages (the edge publishes status and health, the hub reads them
/// and publishes dead letters), with <see cref="ContractJson.Options"/>'s
/// settings: no reflection, so the edge service can be published NativeAOT (deploy/install-edge.sh, bench/edge.sh).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    WriteIndented = false)]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(HealthMessage))]
[JsonSerializable(typeof(DeadLetterMessage))]
[JsonSerializable(typeof(ConfigStateMessage))]
[JsonSerializable(typeof(OnCallRequest))]
[JsonSerializable(typeof(OnCallResponse))]
[JsonSerializable(typeof(AckMessage))]
public sealed partial class ContractJsonContext : JsonSerializerContext;
