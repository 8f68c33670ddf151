using System.Runtime.InteropServices;
using CityBrain.Edge.Composition;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Edge.Hosting;

/// <summary>The hosted service: loads the node configuration, builds the node and runs it until the host stops.</summary>
public sealed class EdgeWorker : BackgroundService
{
    /// <summary>Process exit code for an unusable configuration (systemd: RestartPreventExitStatus=78).</summary>
    public const int ConfigurationExitCode = 78;

    private readonly EdgeHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly EdgeMetrics _metrics;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly DriverRegistry _drivers;
    private readonly PipelineWatchdog? _watchdog;

    public EdgeWorker(IOptions<EdgeHostOptions> options, TimeProvider time, ILoggerFactory loggers, EdgeMetrics metrics, IHostApplicationLifetime lifetime, DriverRegistry drivers, PipelineWatchdog? watchdog = null)
    {
        _drivers = drivers;
        _watchdog = watchdog;
        _options = options.Value;
        _time = time;
        _loggers = loggers;
        _metrics = metrics;
        _lifetime = lifetime;
        _logger = loggers.CreateLogger<EdgeWorker>();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The GC settings in force (environment or runtimeconfig; NativeAOT reads hex values only without "0x"):
        // the node's memory depends on them (deploy/systemd/citybrain-edge.service).
        _logger.LogInformation(
            "Runtime {Framework}, GC {Settings}",
            RuntimeInformation.FrameworkDescription,
            string.Join(", ", GC.GetConfigurationVariables().Where(kv => kv.Value is not (0 or 0L or 0UL or false or "")).Select(kv => $"{kv.Key}={kv.Value}")));

        LoadedNodeConfiguration loaded;
        try
        {
            loaded = await NodeConfigurationLoader.LoadAsync(_options.ConfigPath, _drivers, stoppingToken).ConfigureAwait(false);
        }
        catch (ConfigurationException ex)
        {
            _logger.LogCritical("Cannot start: {Errors}", ex.Message);
            Environment.ExitCode = ConfigurationExitCode;
            _lifetime.StopApplication();
            return;
        }

        NodeComponents components;
        try
        {
            var hardware = new HardwareContext(_time, _loggers, loaded.Buses, new DurableStateStore(Path.Combine(loaded.Configuration.Buffer.Path, "driver-state")));
            _options.ConfigureHardware?.Invoke(hardware);
            components = await NodeComponents.BuildAsync(loaded, _drivers, hardware, stoppingToken).ConfigureAwait(false);
        }
        catch (ConfigurationException ex)
        {
            _logger.LogCritical("Cannot start: {Errors}", ex.Message);
            Environment.ExitCode = ConfigurationExitCode;
            _lifetime.StopApplication();
            return;
        }

        var buffer = await BufferFactory.OpenAsync(loaded.Configuration.Buffer, _time, _loggers, stoppingToken).ConfigureAwait(false);
        var node = new EdgeNode(loaded, buffer, components, _metrics, _time, _loggers);

        await using (node.ConfigureAwait(false))
        {
            _watchdog?.Watch(PipelineLivenessProbes.For(node, loaded.Configuration));
            try
            {
                await node.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                _watchdog?.Clear();
            }
        }
    }
}
