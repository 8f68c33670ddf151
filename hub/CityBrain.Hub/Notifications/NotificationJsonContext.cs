using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Hub.Notifications;

/// <summary>Source-generated JSON (NativeAOT) for the webhook body and the outbox lines, with the contract's settings.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    WriteIndented = false)]
[JsonSerializable(typeof(NotificationMessage))]
[JsonSerializable(typeof(OutboxRecord))]
public sealed partial class NotificationJsonContext : JsonSerializerContext;
