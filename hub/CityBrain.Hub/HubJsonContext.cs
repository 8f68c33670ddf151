using System.Text.Json;
using System.Text.Json.Serialization;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;

namespace CityBrain.Hub;

/// <summary>
/// Source-generated serializers for what the hub itself writes and reads with <see cref="Sensing.Contract.ContractJson.Options"/>'s
/// settings: the alert messages it publishes and the health registry's snapshot file. No reflection, so citybrain-hub
/// can be published NativeAOT; the output is byte-for-byte that of the reflection serializer (tests/CityBrain.Hub.Tests).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    WriteIndented = false)]
[JsonSerializable(typeof(AlertMessage))]
[JsonSerializable(typeof(HealthSnapshotFile))]
[JsonSerializable(typeof(IReadOnlyList<Alert>))]
public sealed partial class HubJsonContext : JsonSerializerContext;
