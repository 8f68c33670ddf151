using CityBrain.Drivers.Modbus;
using CityBrain.Modbus;
using CityBrain.Drivers.Simulated;
using CityBrain.Edge.Processing;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Provisioning.Validation;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Drivers;

/// <summary>
/// Every sensor's driver and processor chain, built from a node configuration. Building checks what the loader could
/// not (device templates exist and fit, processor stages are valid) and reports every problem at once, so a node
/// never starts half-configured.
/// </summary>
public sealed class NodeComponents : IAsyncDisposable
{
    private readonly ModbusDriverFactory? _modbus;

    private NodeComponents(IReadOnlyList<ISensorDriver> drivers, IReadOnlyList<IReadingProcessor?> processors, ModbusDriverFactory? modbus)
    {
        Drivers = drivers;
        Processors = processors;
        _modbus = modbus;
    }

    /// <summary>One driver per configured sensor, in configuration order.</summary>
    public IReadOnlyList<ISensorDriver> Drivers { get; }

    /// <summary>Each sensor's processor chain, or null when it has none.</summary>
    public IReadOnlyList<IReadingProcessor?> Processors { get; }

    /// <param name="config">The checked configuration.</param>
    /// <param name="templatesDirectory">Where device templates are (see <see cref="TemplatesDirectoryFor"/>).</param>
    public static async Task<NodeComponents> BuildAsync(
        LoadedNodeConfiguration loaded,
        string templatesDirectory,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var config = loaded.Configuration;
        var errors = new List<ConfigError>();
        ModbusDriverFactory? modbus = null;
        if (config.Sensors.Any(s => s.Driver == SensorSection.Modbus))
        {
            try
            {
                var catalog = await TemplateCatalog.LoadDirectoryAsync(templatesDirectory, cancellationToken).ConfigureAwait(false);
                modbus = new ModbusDriverFactory(config.Buses.Select(ToBusOptions), catalog, time, loggers);
            }
            catch (Exception ex) when (ex is TemplateValidationException or ModbusConfigurationException or IOException)
            {
                errors.Add(new ConfigError("/buses", null, ex.Message, $"fix the bus settings or the device templates in {templatesDirectory}"));
            }
        }

        var drivers = new List<ISensorDriver>();
        var processors = new List<IReadingProcessor?>();
        for (int i = 0; i < config.Sensors.Count; i++)
        {
            var s = config.Sensors[i];
            try
            {
                drivers.Add(s.Driver switch
                {
                    SensorSection.Simulated => new SimulatedSensorDriver(new SimulatedSensorOptions(s.Id, ParseKind(s.Kind, i), s.Seed, s.FaultEvery, s.SamplesPerPoll, s.Interval), time),
                    SensorSection.Modbus when modbus is not null => modbus.CreateDriver(new ModbusDeviceOptions
                    {
                        SensorId = s.Id,
                        BusId = s.Bus!,
                        UnitId = s.Unit is { } unit ? (byte)unit : null,
                        Template = s.Template!,
                        Points = s.Points,
                        PollInterval = s.Interval,
                    }),
                    SensorSection.Modbus => throw new ModbusConfigurationException("the Modbus buses could not be set up (see /buses)"),
                    _ => throw new ConfigurationException($"no driver '{s.Driver}' in this build"),
                });
            }
            catch (Exception ex) when (ex is ModbusConfigurationException or TemplateValidationException or ConfigurationException or KeyNotFoundException or ArgumentException)
            {
                errors.Add(new ConfigError($"/sensors/{i}", $"\"{s.Id}\"", ex.Message, s.Driver == SensorSection.Modbus ? "check bus, unit, template and points against firmware-config/templates" : "use a driver and kind this build has"));
            }

            try
            {
                processors.Add(s.Processors.Count == 0 ? null : ProcessorFactory.Create(s.Processors, $"/sensors/{i}/processors"));
            }
            catch (ProcessorConfigException ex)
            {
                errors.Add(new ConfigError(ex.Path ?? $"/sensors/{i}/processors", null, ex.Message, "see the stage fields in docs (range, deadband, median, window, rate)"));
            }
        }

        if (errors.Count > 0)
        {
            foreach (var d in drivers)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }

            if (modbus is not null)
            {
                await modbus.DisposeAsync().ConfigureAwait(false);
            }

            throw new ConfigurationException(loaded.Source, errors);
        }

        return new NodeComponents(drivers, processors, modbus);
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

    private static ModbusBusOptions ToBusOptions(BusSection b) => new()
    {
        Id = b.Id,
        Kind = ModbusBusOptions.ParseKind(b.Kind),
        Host = b.Host,
        Port = b.TcpPort,
        SerialPort = b.SerialPort,
        BaudRate = b.Baud,
        Parity = b.Parity switch
        {
            "none" => SerialParity.None,
            "odd" => SerialParity.Odd,
            _ => SerialParity.Even,
        },
        StopBits = b.StopBits,
        RequestTimeout = TimeSpan.FromMilliseconds(b.TimeoutMs),
        TurnaroundDelay = TimeSpan.FromMilliseconds(b.EffectiveTurnaroundMs),
        ConnectTimeout = TimeSpan.FromMilliseconds(b.ConnectTimeoutMs),
    };

    private static SimulatedSensorKind ParseKind(string? kind, int index) => kind switch
    {
        "traffic" => SimulatedSensorKind.Traffic,
        "bin" => SimulatedSensorKind.Bin,
        "environment" => SimulatedSensorKind.Environment,
        "water" => SimulatedSensorKind.Water,
        _ => throw new ConfigurationException($"/sensors/{index}/kind: unknown simulated sensor kind '{kind}'; use traffic, bin, environment or water"),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var d in Drivers)
        {
            await d.DisposeAsync().ConfigureAwait(false);
        }

        if (_modbus is not null)
        {
            await _modbus.DisposeAsync().ConfigureAwait(false);
        }
    }
}
