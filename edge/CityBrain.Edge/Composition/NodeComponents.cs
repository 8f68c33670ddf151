using CityBrain.Edge.Processing;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Edge.Composition;

/// <summary>
/// Every sensor's driver and processor chain, built from a checked node configuration by a loop over the driver
/// registry: each sensor's driver definition builds it from the hardware context the host gives. Building first runs
/// the drivers' resource checks (device templates exist and fit) and reports every problem at once, so a node never
/// starts half-configured. Owns the drivers and the hardware context.
/// </summary>
public sealed class NodeComponents : IAsyncDisposable
{
    private readonly HardwareContext _hardware;

    private NodeComponents(IReadOnlyList<ISensorDriver> drivers, IReadOnlyList<IReadingProcessor?> processors, HardwareContext hardware)
    {
        Drivers = drivers;
        Processors = processors;
        _hardware = hardware;
    }

    /// <summary>One driver per configured sensor, in configuration order.</summary>
    public IReadOnlyList<ISensorDriver> Drivers { get; }

    /// <summary>Each sensor's processor chain, or null when it has none.</summary>
    public IReadOnlyList<IReadingProcessor?> Processors { get; }

    /// <summary>The hardware the drivers were built from (GPIO controller, buses, state store).</summary>
    public HardwareContext Hardware => _hardware;

    /// <param name="loaded">The checked configuration.</param>
    /// <param name="drivers">The registry the configuration was checked with.</param>
    /// <param name="hardware">What the host gives drivers; the components own it from here on (disposed with them, also on failure).</param>
    public static async Task<NodeComponents> BuildAsync(
        LoadedNodeConfiguration loaded,
        DriverRegistry drivers,
        HardwareContext hardware,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(drivers);
        ArgumentNullException.ThrowIfNull(hardware);
        var config = loaded.Configuration;
        var errors = new List<ConfigError>();
        try
        {
            await NodeConfigurationLoader.CheckResourcesAsync(loaded, drivers, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigurationException ex)
        {
            errors.AddRange(ex.Errors);
        }

        var built = new List<ISensorDriver>();
        var processors = new List<IReadingProcessor?>();
        for (int i = 0; i < config.Sensors.Count && errors.Count == 0; i++)
        {
            var sensor = loaded.Sensors[i];
            try
            {
                if (!drivers.TryGetDriver(sensor.Spec.Driver, out var definition))
                {
                    throw new ConfigurationException($"no driver '{sensor.Spec.Driver}' in this build");
                }

                built.Add(await definition.CreateAsync(sensor, hardware, cancellationToken).ConfigureAwait(false));
            }
            catch (ConfigurationException ex) when (ex.Errors.Count > 0)
            {
                // The driver named the field, the value and the fix (a GPIO pin the chip does not have): keep them.
                errors.AddRange(ex.Errors);
            }
            catch (Exception ex) when (ex is ConfigurationException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or KeyNotFoundException or NotSupportedException)
            {
                errors.Add(new ConfigError(sensor.Spec.Path, $"\"{sensor.Spec.Id}\"", $"the {sensor.Spec.Driver} driver cannot be set up: {ex.Message}", "check the sensor's fields and its hardware (wiring, bus, permissions)"));
            }
        }

        processors.AddRange(BuildProcessors(config, errors));

        if (errors.Count > 0)
        {
            foreach (var d in built)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }

            await hardware.DisposeAsync().ConfigureAwait(false);
            throw new ConfigurationException(loaded.Source, errors);
        }

        return new NodeComponents(built, processors, hardware);
    }

    /// <summary>
    /// Everything <see cref="BuildAsync"/> checks without building a driver (no hardware is opened): the drivers'
    /// resource checks and the processor chains. <c>citybrain-edge --validate</c> and <c>citybrain validate</c> use it.
    /// </summary>
    public static async Task CheckAsync(LoadedNodeConfiguration loaded, DriverRegistry drivers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var errors = new List<ConfigError>();
        try
        {
            await NodeConfigurationLoader.CheckResourcesAsync(loaded, drivers, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigurationException ex)
        {
            errors.AddRange(ex.Errors);
        }

        BuildProcessors(loaded.Configuration, errors);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(loaded.Source, errors);
        }
    }

    private static List<IReadingProcessor?> BuildProcessors(NodeConfiguration config, List<ConfigError> errors)
    {
        var processors = new List<IReadingProcessor?>(config.Sensors.Count);
        for (int i = 0; i < config.Sensors.Count; i++)
        {
            var s = config.Sensors[i];
            try
            {
                processors.Add(s.Processors.Count == 0 ? null : ProcessorFactory.Create(s.Processors, $"/sensors/{i}/processors"));
            }
            catch (ProcessorConfigException ex)
            {
                processors.Add(null);
                errors.Add(new ConfigError(ex.Path ?? $"/sensors/{i}/processors", null, ex.Message, "see the stage fields in docs (range, deadband, median, window, rate)"));
            }
        }

        return processors;
    }

    /// <summary>
    /// Device templates: <c>CITYBRAIN_TEMPLATES</c> if set, else <c>templates/</c> beside the executable (installed
    /// builds), else the repository's <c>firmware-config/templates</c> (development).
    /// </summary>
    public static string TemplatesDirectoryFor(string? overridePath = null)
    {
        if (!string.IsNullOrEmpty(overridePath))
        {
            return overridePath;
        }

        if (Environment.GetEnvironmentVariable("CITYBRAIN_TEMPLATES") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        string beside = Path.Combine(AppContext.BaseDirectory, "templates");
        if (Directory.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "firmware-config", "templates");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return beside;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in Drivers)
        {
            await d.DisposeAsync().ConfigureAwait(false);
        }

        await _hardware.DisposeAsync().ConfigureAwait(false);
    }
}
