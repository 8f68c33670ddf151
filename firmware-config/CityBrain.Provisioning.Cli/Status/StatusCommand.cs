using System.Buffers;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityBrain.Sensing.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain status [--district D] [--grid G] [--node N]</c>: the nodes' retained status, health and configuration
/// state: online or offline, configuration revision and apply state, buffer depth, faulty sensors.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var district = new Option<string?>("--district") { Description = "Only this district." };
        var grid = new Option<string?>("--grid") { Description = "Only this grid cell." };
        var node = new Option<string?>("--node") { Description = "Only this node." };
        var waitMs = new Option<int>("--wait-ms") { Description = "How long to collect the retained messages.", DefaultValueFactory = _ => 1500 };
        var broker = new BrokerConnection();
        var command = new Command("status", "Show nodes from their retained status and health: online, configuration revision and state, buffer depth, faulty sensors.") { district, grid, node, waitMs };
        broker.AddTo(command);
        Verb.SetAction(command, "status", async (parse, output, cancellationToken) =>
        {
            string prefix = $"{Topics.Prefix}{parse.GetValue(district) ?? "+"}/{parse.GetValue(grid) ?? "+"}/{parse.GetValue(node) ?? "+"}/";
            var nodes = new SortedDictionary<string, NodeView>(StringComparer.Ordinal);
            var gate = new object();
            using var client = await broker.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
            client.ApplicationMessageReceivedAsync += e =>
            {
                if (Topics.TryParseNodeTopic(e.ApplicationMessage.Topic, out var topic, out _))
                {
                    byte[] payload = e.ApplicationMessage.Payload.ToArray();
                    lock (gate)
                    {
                        string key = $"{topic.District}/{topic.Grid}/{topic.Node}";
                        if (!nodes.TryGetValue(key, out var view))
                        {
                            nodes[key] = view = new NodeView(topic.District, topic.Grid, topic.Node);
                        }

                        view.Add(topic.Kind, payload);
                    }
                }

                return Task.CompletedTask;
            };
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (string kind in new[] { Topics.Status, Topics.Health, Topics.ConfigState })
            {
                subscribe = subscribe.WithTopicFilter(prefix + kind, MqttQualityOfServiceLevel.AtLeastOnce);
            }

            await client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(parse.GetValue(waitMs), 100, 60_000)), cancellationToken).ConfigureAwait(false);

            var rows = new JsonArray();
            lock (gate)
            {
                output.Line($"{"node",-16} {"district/grid",-24} {"state",-8} {"config",-18} {"buffer",8}  faulty sensors");
                foreach (var view in nodes.Values)
                {
                    rows.Add((JsonNode)view.ToJson());
                    output.Line(view.ToLine());
                }
            }

            output.Result["nodes"] = rows;
            if (rows.Count == 0)
            {
                output.Line("No node matches.");
            }

            return rows.Count > 0 ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        return command;
    }

    /// <summary>What the retained messages say about one node.</summary>
    private sealed class NodeView(string district, string grid, string node)
    {
        private StatusMessage? _status;
        private HealthMessage? _health;
        private ConfigStateMessage? _config;

        public void Add(string kind, byte[] payload)
        {
            try
            {
                switch (kind)
                {
                    case Topics.Status:
                        _status = JsonSerializer.Deserialize(payload, ContractJsonContext.Default.StatusMessage);
                        break;
                    case Topics.Health:
                        _health = JsonSerializer.Deserialize(payload, ContractJsonContext.Default.HealthMessage);
                        break;
                    case Topics.ConfigState:
                        _config = JsonSerializer.Deserialize(payload, ContractJsonContext.Default.ConfigStateMessage);
                        break;
                }
            }
            catch (JsonException)
            {
                // A payload outside the contract: the hub dead-letters it; here the node just shows less.
            }
        }

        private string State => _status?.State ?? "unknown";

        private ConfigInfo? Config => _status?.Config ?? _health?.Config;

        private IEnumerable<SensorHealth> Faulty => _health?.Sensors.Where(s => s.Status == SensorHealth.Fault) ?? [];

        public JsonObject ToJson() => new()
        {
            ["node"] = node,
            ["district"] = district,
            ["grid"] = grid,
            ["state"] = State,
            ["since"] = _status?.Timestamp,
            ["configRevision"] = Config?.Revision,
            ["configState"] = Config?.State,
            ["lastConfig"] = _config is null ? null : new JsonObject
            {
                ["revision"] = _config.Revision,
                ["state"] = _config.State,
                ["reason"] = _config.Reason,
                ["ts"] = _config.Timestamp,
            },
            ["bufferReadings"] = _health?.Buffer.Readings,
            ["healthTs"] = _health?.Timestamp,
            ["faultySensors"] = new JsonArray([.. Faulty.Select(s => (JsonNode)new JsonObject { ["id"] = s.Id, ["error"] = s.LastError?.Message })]),
        };

        public string ToLine()
        {
            string config = Config is { } c ? $"r{c.Revision} {c.State}" : "-";
            string faulty = string.Join(", ", Faulty.Select(s => $"{s.Id} ({s.LastError?.Code ?? "fault"})"));
            return $"{node,-16} {district + "/" + grid,-24} {State,-8} {config,-18} {_health?.Buffer.Readings.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",8}  {(faulty.Length == 0 ? "-" : faulty)}";
        }
    }
}
