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
    private readonly TempDirectory? _dir;
    private Task? _run;

    private EdgeNodeHarness(EdgeNode node, TempDirectory? dir)
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

    /// <param name="configForBufferPath">The node configuration for a buffer folder.</param>
    /// <param name="loggers">Logging (default none).</param>
    /// <param name="configureHardware">Registers hardware before the drivers are built (a fake GPIO controller), like <see cref="EdgeHostOptions.ConfigureHardware"/>.</param>
    /// <param name="directory">The node's folder (config, buffer, driver state); kept after disposal when given, so a second
    /// run over it is a restart. Default: a temporary folder removed on disposal.</param>
    public static async Task<EdgeNodeHarness> StartAsync(Func<string, string> configForBufferPath, ILoggerFactory? loggers = null, Action<HardwareContext>? configureHardware = null, string? directory = null)
    {
        var dir = directory is null ? new TempDirectory("edge") : null;
        string root = dir?.Path ?? directory!;
        string configPath = Path.Combine(root, "node.json");
        await File.WriteAllTextAsync(configPath, configForBufferPath(Path.Combine(root, "buffer")));
        var drivers = BuiltInDrivers.Create();
        var loaded = await NodeConfigurationLoader.LoadAsync(configPath, drivers, CancellationToken.None);
        loggers ??= NullLoggerFactory.Instance;
        // As the service does (EdgeWorker): driver state beside the buffer.
        var hardware = new HardwareContext(TimeProvider.System, loggers, loaded.Buses, new DurableStateStore(Path.Combine(loaded.Configuration.Buffer.Path, "driver-state")));
        configureHardware?.Invoke(hardware);
        var components = await NodeComponents.BuildAsync(loaded, drivers, hardware, CancellationToken.None);
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
        _dir?.Dispose();
    }
}
