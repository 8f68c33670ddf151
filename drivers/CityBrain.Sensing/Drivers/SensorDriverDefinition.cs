using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Sensing.Drivers;

/// <summary>
/// The usual shape of a driver definition: typed options read with a source-generated JSON type, checked one sensor at
/// a time, then built. Override the checks a driver needs; <see cref="CreateAsync(SensorSpec, TOptions, HardwareContext, CancellationToken)"/> is the one required step.
/// </summary>
/// <typeparam name="TOptions">The driver's fields of a sensor entry (camelCase in JSON); the options type ignores the common fields.</typeparam>
public abstract class SensorDriverDefinition<TOptions> : ISensorDriverDefinition
    where TOptions : class
{
    private readonly JsonTypeInfo<TOptions> _type;

    protected SensorDriverDefinition(string name, string summary, string sensorSchema, JsonTypeInfo<TOptions> type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Summary = summary;
        SensorSchema = sensorSchema;
        _type = type;
    }

    public string Name { get; }

    public string Summary { get; }

    public string SensorSchema { get; }

    public virtual IReadOnlyList<IBusKindDefinition> BusKinds => [];

    public virtual IReadOnlyList<QuantityInfo> KnownQuantities => [];

    public object? ReadOptions(JsonElement sensor, SensorSpec spec, DriverConfigContext context)
    {
        var options = OptionsReader.Read(sensor, _type, spec.Path, context);
        if (options is null)
        {
            return null;
        }

        int before = context.Errors.Count;
        Check(options, spec, context);
        return context.Errors.Count == before ? options : null;
    }

    /// <summary>One sensor's checks beyond the schema; report with <see cref="DriverConfigContext.Error"/>.</summary>
    protected virtual void Check(TOptions options, SensorSpec spec, DriverConfigContext context)
    {
    }

    public virtual void CheckNode(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context)
    {
    }

    public virtual ValueTask CheckResourcesAsync(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask<ISensorDriver> CreateAsync(ConfiguredSensor sensor, HardwareContext hardware, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        return CreateAsync(sensor.Spec, (TOptions)sensor.Options, hardware, cancellationToken);
    }

    protected abstract ValueTask<ISensorDriver> CreateAsync(SensorSpec spec, TOptions options, HardwareContext hardware, CancellationToken cancellationToken);

    /// <summary>This driver's sensors with their typed options.</summary>
    protected static IEnumerable<(SensorSpec Spec, TOptions Options)> Typed(IReadOnlyList<ConfiguredSensor> sensors) =>
        sensors.Select(s => (s.Spec, (TOptions)s.Options));
}
