using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CityBrain.Provisioning.Registry;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Decides what one MQTT message is, without side effects: the size limit is checked before parsing; the topic is
/// parsed with <see cref="Topics.TryParseNodeTopic"/>; telemetry is read strictly with <see cref="TelemetryCodec"/>,
/// status and health as strictly with <see cref="NodeMessageChecks"/>; the payload's node must equal the topic's node;
/// with a grid registry, the node's claimed place must be its registered one (<see cref="LocationCheck"/>).
/// Never throws on input.
/// </summary>
public sealed class MessageRouter
{
    /// <summary>Subscription identifier of the per-instance (non-shared) status/health subscription in scale-out mode.</summary>
    public const uint BroadcastSubscriptionId = 2;

    /// <summary>Subscription identifier of the shared subscription in scale-out mode.</summary>
    public const uint SharedSubscriptionId = 1;

    private const string HubOutputPrefix = Topics.Prefix + "_";

    private readonly int _maxPayloadBytes;
    private readonly bool _scaleOut;
    private readonly GridRegistry? _registry;

    /// <param name="registry">The grid registry to check claimed locations against; null = no check.</param>
    public MessageRouter(int maxPayloadBytes, bool scaleOut, GridRegistry? registry = null)
    {
        _maxPayloadBytes = maxPayloadBytes;
        _scaleOut = scaleOut;
        _registry = registry;
    }

    /// <param name="subscriptionIds">MQTT 5 subscription identifiers the broker attached (scale-out mode only).</param>
    public RoutedMessage Route(string topic, ReadOnlySequence<byte> payload, IReadOnlyCollection<uint>? subscriptionIds = null)
    {
        if (topic.StartsWith(HubOutputPrefix, StringComparison.Ordinal))
        {
            return RoutedMessage.Ignored; // our own dead letters and alerts
        }

        if (!Topics.TryParseNodeTopic(topic, out var nodeTopic, out string reason))
        {
            return RoutedMessage.Rejected(ContractViolation.Topic, reason);
        }

        if (nodeTopic.Kind is Topics.Config or Topics.ConfigState or Topics.Cmd or Topics.Ack)
        {
            return RoutedMessage.Ignored; // configuration, on-call requests and acknowledgements for nodes, and answers: not input
        }

        bool isStatusOrHealth = nodeTopic.Kind is Topics.Status or Topics.Health;
        if (_scaleOut && isStatusOrHealth && !(subscriptionIds?.Contains(BroadcastSubscriptionId) ?? false))
        {
            return RoutedMessage.Ignored; // the shared copy: every instance gets its own through the broadcast subscription
        }

        if (payload.Length > _maxPayloadBytes)
        {
            return RoutedMessage.Rejected(
                ContractViolation.TooLarge,
                $"payload of {payload.Length} bytes exceeds the hub's limit of {_maxPayloadBytes} bytes (Hub:MaxPayloadBytes)",
                nodeTopic);
        }

        var routed = nodeTopic.Kind switch
        {
            Topics.Telemetry => RouteTelemetry(nodeTopic, payload),
            Topics.Status => RouteStatus(nodeTopic, payload),
            _ => RouteHealth(nodeTopic, payload),
        };
        return _registry is null ? routed : LocationCheck.Apply(_registry, routed);
    }

    private static RoutedMessage RouteTelemetry(NodeTopic topic, ReadOnlySequence<byte> payload)
    {
        if (!TelemetryCodec.TryRead(payload, out var message, out var violation, ReadingBuffers.Pool))
        {
            return new RoutedMessage(RouteKind.Reject, topic, violation);
        }

        if (message!.Node != topic.Node)
        {
            ReadingBuffers.Return(message);
            return RoutedMessage.Rejected(ContractViolation.NodeMismatch, $"$.node '{message.Node}' differs from the topic's node '{topic.Node}'", topic);
        }

        return new RoutedMessage(RouteKind.Telemetry, topic, Telemetry: message);
    }

    private static RoutedMessage RouteStatus(NodeTopic topic, ReadOnlySequence<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return new RoutedMessage(RouteKind.Status, topic); // retained status cleared
        }

        if (!TryDeserialize(payload, ContractJsonContext.Default.StatusMessage, out var status, out var violation))
        {
            return new RoutedMessage(RouteKind.Reject, topic, violation);
        }

        if (status!.Version != 1)
        {
            return RoutedMessage.Rejected(ContractViolation.SchemaVersion, $"$.v: status schema version {status.Version} is not supported (this hub reads version 1)", topic);
        }

        if (status.State is not (StatusMessage.Online or StatusMessage.Offline))
        {
            return RoutedMessage.Rejected(ContractViolation.InvalidValue, $"$.state: '{Shown(status.State)}' is not online or offline", topic);
        }

        if (status.Node != topic.Node)
        {
            return RoutedMessage.Rejected(ContractViolation.NodeMismatch, $"$.node '{Shown(status.Node)}' differs from the topic's node '{topic.Node}'", topic);
        }

        return NodeMessageChecks.TryCheck(status, out violation)
            ? new RoutedMessage(RouteKind.Status, topic, Status: status)
            : new RoutedMessage(RouteKind.Reject, topic, violation);
    }

    private static RoutedMessage RouteHealth(NodeTopic topic, ReadOnlySequence<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return RoutedMessage.Ignored; // retained health cleared
        }

        if (!TryDeserialize(payload, ContractJsonContext.Default.HealthMessage, out var health, out var violation))
        {
            return new RoutedMessage(RouteKind.Reject, topic, violation);
        }

        if (health!.Version != 1)
        {
            return RoutedMessage.Rejected(ContractViolation.SchemaVersion, $"$.v: health schema version {health.Version} is not supported (this hub reads version 1)", topic);
        }

        if (health.Node != topic.Node)
        {
            return RoutedMessage.Rejected(ContractViolation.NodeMismatch, $"$.node '{Shown(health.Node)}' differs from the topic's node '{topic.Node}'", topic);
        }

        return NodeMessageChecks.TryCheck(health, out violation)
            ? new RoutedMessage(RouteKind.Health, topic, Health: health)
            : new RoutedMessage(RouteKind.Reject, topic, violation);
    }

    /// <summary>A value as shown in a reason: cut to 80 characters.</summary>
    private static string Shown(string? value) => value is null ? "null" : value.Length > 80 ? value[..80] + "…" : value;

    private static bool TryDeserialize<T>(ReadOnlySequence<byte> payload, JsonTypeInfo<T> typeInfo, out T? value, out ContractViolation? violation)
        where T : class
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            value = JsonSerializer.Deserialize(ref reader, typeInfo);
            violation = value is null ? new ContractViolation(ContractViolation.WrongType, "$: expected an object") : null;
        }
        catch (JsonException ex)
        {
            value = null;
            string path = ex.Path ?? "$";
            violation = ex.Message.Contains("required", StringComparison.OrdinalIgnoreCase)
                ? new ContractViolation(ContractViolation.MissingField, $"{path}: {ex.Message.Split(" Path:", 2)[0]}")
                : ex.InnerException is InvalidOperationException || ex.Message.Contains("could not be converted", StringComparison.Ordinal)
                    ? new ContractViolation(ContractViolation.WrongType, $"{path}: {ex.Message.Split(" Path:", 2)[0]}")
                    : new ContractViolation(ContractViolation.InvalidJson, $"not valid JSON at {path}: {ex.Message.Split(" Path:", 2)[0]}");
        }

        return violation is null;
    }
}
