using CityBrain.Drivers.I2c;
using CityBrain.Edge.Composition;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Configuration;

namespace CityBrain.Provisioning.Tests;

/// <summary>I2C and serial PM sensors through the real loader: the published schema, then the drivers' own checks.</summary>
public sealed class FieldSensorConfigTests
{
    private const string Node = """
        {
          "version": 1,
          "node": { "id": "n-01", "location": { "city": "metropolis", "district": "harbour", "street": "quay-road", "grid": "g-0417" } },
          "mqtt": { "host": "127.0.0.1" },
          "buses": [ { "id": "i2c-1", "kind": "i2c", "busNumber": 1 } ],
          "sensors": [
            { "id": "weather-1", "driver": "i2c", "bus": "i2c-1", "chip": "bme280", "address": 118, "intervalMs": 60000 },
            { "id": "river-1", "driver": "i2c", "bus": "i2c-1", "chip": "ads1115", "channel": "ain0", "signal": "current", "shuntOhms": 150,
              "quantity": "water_level", "unit": "m", "curve": [[4, 0], [20, 5]], "intervalMs": 60000 },
            { "id": "bin-07", "driver": "i2c", "bus": "i2c-1", "chip": "vl53l0x", "binDepthMm": 950, "intervalMs": 300000 },
            { "id": "pm-1", "driver": "pm-serial", "format": "sds011", "port": "/dev/ttyUSB0", "intervalMs": 60000 }
          ]
        }
        """;

    [Fact]
    public void Parse_I2cAndSerialSensors_Load()
    {
        var loaded = NodeConfigurationLoader.Parse(Node, "node.json", BuiltInDrivers.Create());

        Assert.Equal(1, ((I2cBusFields)loaded.Buses["i2c-1"].Options).BusNumber);
        Assert.Equal(["i2c", "i2c", "i2c", "pm-serial"], loaded.Sensors.Select(s => s.Spec.Driver));
    }

    [Fact]
    public void Parse_FieldOfAnotherChip_IsRefusedBySchemaOrChecks()
    {
        string json = Node.Replace("\"binDepthMm\": 950, ", "", StringComparison.Ordinal);

        var ex = Assert.Throws<ConfigurationException>(() => NodeConfigurationLoader.Parse(json, "node.json", BuiltInDrivers.Create()));

        Assert.Contains(ex.Errors, e => e.Path == "/sensors/2/binDepthMm");
    }

    [Fact]
    public void Parse_UnknownChip_RefusedAtItsPath()
    {
        string json = Node.Replace("\"chip\": \"bme280\"", "\"chip\": \"bmp999\"", StringComparison.Ordinal);

        var ex = Assert.Throws<ConfigurationException>(() => NodeConfigurationLoader.Parse(json, "node.json", BuiltInDrivers.Create()));

        Assert.Contains(ex.Errors, e => e.Path.StartsWith("/sensors/0", StringComparison.Ordinal) && e.Value == "\"bmp999\"");
    }
}
