using CityBrain.Drivers.Gpio;
using CityBrain.Drivers.I2c;
using CityBrain.Drivers.Modbus;
using CityBrain.Drivers.Serial;
using CityBrain.Drivers.Simulated;
using CityBrain.Sensing.Drivers;

namespace CityBrain.Edge.Composition;

/// <summary>
/// The drivers compiled into the edge. Adding a driver is its project under drivers/, a project reference in
/// CityBrain.Edge.csproj and one line here; the node configuration's schema, its checks and the node's composition
/// all follow from the registry.
/// </summary>
public static class BuiltInDrivers
{
    /// <summary>A registry of every built-in driver; Modbus device templates come from <paramref name="templatesDirectory"/>.</summary>
    public static DriverRegistry Create(string? templatesDirectory = null) => new DriverRegistry()
        .Add(new SimulatedDriverDefinition())
        .Add(new ModbusDriverDefinition(templatesDirectory ?? NodeComponents.TemplatesDirectoryFor()))
        .Add(new GpioDriverDefinition())
        .Add(new I2cDriverDefinition())
        .Add(new PmSerialDriverDefinition());
}
