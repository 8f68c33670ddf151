using System.Runtime.InteropServices;
using CityBrain.Edge.Provisioning;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Edge.Hosting;

/// <summary>The hosted service: loads the node configuration and runs the node (<see cref="ConfigRuntime"/>, which also takes new configurations) until the host stops.</summary>
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

        var loaded = await LoadAsync(stoppingToken).ConfigureAwait(false);
        if (loaded is null)
        {
            Environment.ExitCode = ConfigurationExitCode;
            _lifetime.StopApplication();
            return;
        }

        var buffer = await BufferFactory.OpenAsync(loaded.Value.Config.Configuration.Buffer, _time, _loggers, stoppingToken).ConfigureAwait(false);
        var runtime = new ConfigRuntime(_options.ConfigPath, loaded.Value.Config, loaded.Value.Bytes, buffer, _drivers, _options.Apply, _options.ConfigureHardware, _metrics, _time, _loggers)
        {
            // systemd's watchdog follows the node that runs now (a new one after every applied or rolled-back configuration).
            NodeStarted = node => _watchdog?.Watch(PipelineLivenessProbes.For(node, node.Configuration.Configuration)),
        };
        await using (runtime.ConfigureAwait(false))
        {
            try
            {
                await runtime.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (ConfigurationException ex)
            {
                _logger.LogCritical("Cannot start: {Errors}", ex.Message);
                Environment.ExitCode = ConfigurationExitCode;
                _lifetime.StopApplication();
            }
            finally
            {
                _watchdog?.Clear();
            }
        }
    }

    /// <summary>
    /// The configuration file, or, when it does not load and a last good one exists (kept by the last change), that one:
    /// a node keeps running its last good configuration when a new one is bad. Null when neither loads.
    /// </summary>
    private async Task<(LoadedNodeConfiguration Config, byte[] Bytes)?> LoadAsync(CancellationToken cancellationToken)
    {
        string lastGood = _options.ConfigPath + ".last-good";
        foreach (string path in new[] { _options.ConfigPath, lastGood })
        {
            try
            {
                byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                var config = NodeConfigurationLoader.Parse(System.Text.Encoding.UTF8.GetString(bytes), _options.ConfigPath, _drivers, Path.GetDirectoryName(Path.GetFullPath(_options.ConfigPath)));
                if (path == lastGood)
                {
                    _logger.LogCritical("Running the last good configuration {LastGood} (revision {Revision}) because {Path} does not load", lastGood, config.Configuration.Revision, _options.ConfigPath);
                }

                return (config, bytes);
            }
            catch (ConfigurationException ex)
            {
                _logger.LogCritical("Cannot start with {Path}: {Errors}", path, ex.Message);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (path != lastGood)
                {
                    _logger.LogCritical("Cannot read {Path}: {Error}", path, ex.Message);
                }
            }
        }

        return null;
    }
}
