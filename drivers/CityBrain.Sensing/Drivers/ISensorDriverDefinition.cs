using System.Text.Json;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Sensing.Drivers;

/// <summary>
/// Everything the node knows about one driver, owned by the driver's project: its name in the configuration, its
/// fields (schema fragment and typed options), its checks, the bus kinds it brings, and how it builds a sensor from the
/// hardware the host gives it. The host registers definitions in a <see cref="DriverRegistry"/>; nothing else in the
/// node names a driver.
/// </summary>
public interface ISensorDriverDefinition
{
    /// <summary>The value of a sensor entry's <c>driver</c> field (<c>modbus</c>, <c>gpio</c>, …).</summary>
    string Name { get; }

    /// <summary>One line for listings and the schema's description.</summary>
    string Summary { get; }

    /// <summary>
    /// This driver's fields of a sensor entry, beside the common ones (id, driver, intervalMs, jitterMs, timeoutMs,
    /// processors): a JSON Schema (draft 2020-12) object with <c>properties</c> and optionally <c>required</c>. The node
    /// configuration's schema is composed from these (<c>node-config.v1.schema.json</c> is generated from them).
    /// </summary>
    string SensorSchema { get; }

    /// <summary>
    /// Every quantity (with its unit) a sensor of this driver can report, for the catalogue's conformance check and for
    /// listings; empty when the quantities come from elsewhere (Modbus device templates, which are checked on their own).
    /// </summary>
    IReadOnlyList<QuantityInfo> KnownQuantities => [];

    /// <summary>Bus kinds this driver brings (Modbus: <c>modbus-tcp</c>, <c>modbus-rtu</c>); empty for most.</summary>
    IReadOnlyList<IBusKindDefinition> BusKinds { get; }

    /// <summary>
    /// Reads the driver's typed options from a sensor entry that passed the schema, checks what the schema cannot say,
    /// and reports problems to <paramref name="context"/>. Returns null when the entry is unusable.
    /// </summary>
    object? ReadOptions(JsonElement sensor, SensorSpec spec, DriverConfigContext context);

    /// <summary>Checks across this driver's sensors of one node (a GPIO pin used twice, an I2C address used twice on one bus).</summary>
    void CheckNode(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context);

    /// <summary>
    /// Checks that need files or I/O, before anything is built (Modbus: device templates exist and have the points);
    /// used by the node at start and by the technicians' <c>citybrain validate</c>.
    /// </summary>
    ValueTask CheckResourcesAsync(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context, CancellationToken cancellationToken);

    /// <summary>Builds the driver of one checked sensor; shared handles (bus, controller) come from <paramref name="hardware"/>.</summary>
    ValueTask<ISensorDriver> CreateAsync(ConfiguredSensor sensor, HardwareContext hardware, CancellationToken cancellationToken);
}
