using System.Text.Json;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>hub.json for tests: one broker, the given sinks, short retry delays so recovery is quick.</summary>
public static class HubConfig
{
    public static object InfluxV1(string url, string database) => new { kind = "influx-v1", url, database };

    public static object VictoriaMetrics(string url) => new { kind = "influx-v2", url, org = "city", bucket = "citybrain", token = "unused" };

    public static string Json(int mqttPort, string clientId, object[] sinks, string? sharedGroup = null, int httpPort = 0, int receiveMaximum = 2000, int queueCapacity = 500, int maxLines = 5000, uint maximumPacketSize = 1_052_672, string? registryPath = null) =>
        JsonSerializer.Serialize(new
        {
            Hub = new
            {
                InstanceName = clientId,
                Mqtt = new { Host = "127.0.0.1", Port = mqttPort, ClientId = clientId, SharedSubscriptionGroup = sharedGroup, MaxReconnectDelaySeconds = 2, ReceiveMaximum = receiveMaximum, MaximumPacketSize = maximumPacketSize },
                Sinks = sinks,
                Batching = new { MaxLines = maxLines, MaxDelayMilliseconds = 50, QueueCapacity = queueCapacity },
                Resilience = new { InitialRetryDelayMilliseconds = 100, MaxRetryDelaySeconds = 2, BreakerBreakSeconds = 2, BreakerSamplingSeconds = 5 },
                HttpPort = httpPort,
                RegistryPath = registryPath,
            },
            Logging = new { LogLevel = new { Default = "Warning" } },
        });

    /// <summary><paramref name="json"/> (from <see cref="Json"/>) with <c>Hub:Health</c> set: the registry's snapshot file and caps.</summary>
    public static string WithHealth(string json, string snapshotPath, int? maxQuantitiesPerNode = null, int? maxQuantities = null)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        var health = new System.Text.Json.Nodes.JsonObject { ["SnapshotPath"] = snapshotPath };
        if (maxQuantitiesPerNode is { } perNode)
        {
            health["MaxQuantitiesPerNode"] = perNode;
        }

        if (maxQuantities is { } total)
        {
            health["MaxQuantities"] = total;
        }

        root["Hub"]!["Health"] = health;
        return root.ToJsonString();
    }
}
