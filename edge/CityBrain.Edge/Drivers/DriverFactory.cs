using CityBrain.Drivers.Simulated;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Provisioning.Validation;
using CityBrain.Sensing;

namespace CityBrain.Edge.Drivers;

/// <summary>Builds each configured sensor's driver. Unknown or incomplete driver settings are configuration errors.</summary>
public sealed class DriverFactory
{
    private readonly TimeProvider _time;

    public DriverFactory(TimeProvider time) => _time = time;

    public ISensorDriver Create(SensorSection sensor, int index)
    {
        return sensor.Driver switch
        {
            SensorSection.Simulated => new SimulatedSensorDriver(
                new SimulatedSensorOptions(sensor.Id, ParseKind(sensor.Kind, index), sensor.Seed, sensor.FaultEvery),
                _time),
            _ => throw new ConfigurationException("node configuration", [new ConfigError(
                $"/sensors/{index}/driver", $"\"{sensor.Driver}\"", "this build has no such driver", "use \"simulated\" or \"modbus\"")]),
        };
    }

    private static SimulatedSensorKind ParseKind(string? kind, int index) => kind switch
    {
        "traffic" => SimulatedSensorKind.Traffic,
        "bin" => SimulatedSensorKind.Bin,
        "environment" => SimulatedSensorKind.Environment,
        "water" => SimulatedSensorKind.Water,
        _ => throw new ConfigurationException("node configuration", [new ConfigError(
            $"/sensors/{index}/kind", kind is null ? null : $"\"{kind}\"", "unknown simulated sensor kind", "use traffic, bin, environment or water")]),
    };
}
