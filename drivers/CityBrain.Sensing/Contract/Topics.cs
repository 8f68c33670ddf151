namespace CityBrain.Sensing.Contract;

/// <summary>
/// The versioned MQTT topic namespace (docs/mqtt-contract.md). Node topics carry the location so the city brain can
/// subscribe by district or grid cell with wildcards:
/// <c>citybrain/v1/{district}/{grid}/{node}/{telemetry|status|health|config|cmd}</c>. Hub outputs live under levels that
/// start with an underscore (<c>citybrain/v1/_hub/…</c>, <c>citybrain/v1/_alerts/…</c>), which no district id can.
/// </summary>
public static class Topics
{
    public const string Root = "citybrain";
    public const string Version = "v1";
    public const string Prefix = "citybrain/v1/";

    public const string Telemetry = "telemetry";
    public const string Status = "status";
    public const string Health = "health";
    public const string Config = "config";

    /// <summary>The node's retained answer to a configuration: <c>{node topic}/config/state</c> (schema config-state.v1).</summary>
    public const string ConfigState = "config/state";

    /// <summary>
    /// The hub's end-to-end acknowledgement to the node (schema ack.v1): the sequence ranges it stored or dead-lettered,
    /// <c>{node topic}/ack</c>. The node deletes a reading from its buffer on it (publish setting <c>deliveryAck: hub</c>).
    /// </summary>
    public const string Ack = "ack";

    /// <summary>On-call requests to the node (schema oncall-request.v1, MQTT 5 request/response): <c>{node topic}/cmd</c>.</summary>
    public const string Cmd = "cmd";

    /// <summary>
    /// Prefix of on-call answers: <c>citybrain/v1/_replies/{requester}/{node}</c>, the Response Topic a requester
    /// names (its broker user as the requester level, so the ACL can let each read only its own answers).
    /// </summary>
    public const string RepliesPrefix = "citybrain/v1/_replies/";

    /// <summary>Where the hub publishes rejected input with the reason.</summary>
    public const string DeadLetter = "citybrain/v1/_hub/deadletter";

    /// <summary>Where the hub keeps the quantity catalogue (firmware-config/catalogue/quantities.json), retained.</summary>
    public const string Catalogue = "citybrain/v1/_catalogue/quantities";

    /// <summary>Prefix of alert topics: <c>citybrain/v1/_alerts/{district}/{grid}/{node}</c>.</summary>
    public const string AlertsPrefix = "citybrain/v1/_alerts/";

    /// <summary>Every node's telemetry, for a subscriber of the whole city.</summary>
    public const string AllTelemetry = "citybrain/v1/+/+/+/telemetry";

    public const string AllStatus = "citybrain/v1/+/+/+/status";

    public const string AllHealth = "citybrain/v1/+/+/+/health";

    public const string AllConfigState = "citybrain/v1/+/+/+/config/state";

    /// <summary>Everything under the root, including topics outside the v1 namespace (so the hub can reject them).</summary>
    public const string Everything = "citybrain/#";

    public static string For(NodeIdentity node, string kind) =>
        $"{Prefix}{node.Location.District}/{node.Location.Grid}/{node.NodeId}/{kind}";

    /// <summary>The Response Topic a requester names for an answer from <paramref name="node"/>.</summary>
    public static string ReplyFor(string requester, string node) => $"{RepliesPrefix}{requester}/{node}";

    public static string AlertsFor(string district, string grid, string node) =>
        $"{AlertsPrefix}{district}/{grid}/{node}";

    /// <summary>
    /// Parses a node topic. Returns false with a reason when the topic is outside the namespace, has the wrong
    /// depth, an unknown kind or an invalid id.
    /// </summary>
    public static bool TryParseNodeTopic(string topic, out NodeTopic parsed, out string reason)
    {
        parsed = default;
        if (!topic.StartsWith(Prefix, StringComparison.Ordinal))
        {
            reason = topic.StartsWith(Root + "/", StringComparison.Ordinal)
                ? $"topic '{topic}' is outside the supported namespace '{Prefix}' (unknown version?)"
                : $"topic '{topic}' is outside the namespace '{Prefix}'";
            return false;
        }

        string[] parts = topic[Prefix.Length..].Split('/');
        if (parts.Length == 5 && parts[3] + "/" + parts[4] == ConfigState)
        {
            parts = [parts[0], parts[1], parts[2], ConfigState];
        }

        if (parts.Length != 4)
        {
            reason = $"topic '{topic}' must have the form {Prefix}{{district}}/{{grid}}/{{node}}/{{kind}}";
            return false;
        }

        string kind = parts[3];
        if (kind is not (Telemetry or Status or Health or Config or ConfigState or Cmd or Ack))
        {
            reason = $"topic '{topic}' has unknown kind '{kind}' (expected telemetry, status, health, config, config/state, cmd or ack)";
            return false;
        }

        for (int i = 0; i < 3; i++)
        {
            if (!Location.IsValidId(parts[i]))
            {
                string level = i switch { 0 => "district", 1 => "grid", _ => "node" };
                reason = $"topic '{topic}' has an invalid {level} id '{parts[i]}' (lower-case letters, digits, '-' and '_')";
                return false;
            }
        }

        parsed = new NodeTopic(parts[0], parts[1], parts[2], kind);
        reason = string.Empty;
        return true;
    }
}
