using CityBrain.Edge;
using CityBrain.Edge.Composition;
using CityBrain.Edge.Hosting;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Hardware;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>An edge node running in the test process against a real broker, built from a real configuration text.</summary>
public sealed class EdgeNodeHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TempDirectory _dir;
    private Task? _run;

    private EdgeNodeHarness(EdgeNode node, TempDirectory dir)
    {
        Node = node;
        _dir = dir;
    }

    public EdgeNode Node { get; }

    /// <summary>A node config for <paramref name="brokerPort"/> with the given sensors JSON array and buffer kind.</summary>
    public static string Config(int brokerPort, string sensorsJson, string bufferPath, string bufferKind = "memory", string nodeId = "n-test-01", string publishJson = "{ \"healthIntervalSeconds\": 2, \"maxBatchDelayMs\": 20 }") => $$"""
        {
          "version": 1,
          "node": { "id": "{{nodeId}}", "location": { "city": "metropolis", "district": "harbour", "street": "quay-road", "grid": "g-0417" } },
          "mqtt": { "host": "127.0.0.1", "port": {{brokerPort}}, "reconnectMinSeconds": 0.2, "reconnectMaxSeconds": 1, "connectTimeoutSeconds": 3, "publishTimeoutSeconds": 3 },
          "buffer": { "kind": "{{bufferKind}}", "path": "{{bufferPath}}", "maxMegabytes": 64 },
          "publish": {{publishJson}},
          "sensors": {{sensorsJson}}
        }
        """;

    public static async Task<EdgeNodeHarness> StartAsync(Func<string, string> configForBufferPath, ILoggerFactory? loggers = null)
    {
        var dir = new TempDirectory("edge");
        string configPath = dir.Combine("node.json");
        await File.WriteAllTextAsync(configPath, configForBufferPath(dir.Combine("buffer")));
        var drivers = BuiltInDrivers.Create();
        var loaded = await NodeConfigurationLoader.LoadAsync(configPath, drivers, CancellationToken.None);
        loggers ??= NullLoggerFactory.Instance;
        var components = await NodeComponents.BuildAsync(loaded, drivers, new HardwareContext(TimeProvider.System, loggers, loaded.Buses), CancellationToken.None);
        var buffer = await BufferFactory.OpenAsync(loaded.Configuration.Buffer, TimeProvider.System, loggers, CancellationToken.None);
        var node = new EdgeNode(loaded, buffer, components, new EdgeMetrics(), TimeProvider.System, loggers);
        var harness = new EdgeNodeHarness(node, dir);
        harness._run = Task.Run(() => node.RunAsync(harness._stop.Token));
        return harness;
    }

    /// <summary>Stops the node in order (drain intake, announce shutdown); throws if that hangs.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Node.DisposeAsync();
        _stop.Dispose();
        _dir.Dispose();
    }
}
