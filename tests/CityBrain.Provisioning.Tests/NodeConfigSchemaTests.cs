using System.Text.Json.Nodes;
using CityBrain.Edge.Composition;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Provisioning.Schemas;
using CityBrain.Sensing.Configuration;

namespace CityBrain.Provisioning.Tests;

/// <summary>The node configuration's schema is composed from the drivers' own fragments, and the published file is that composition.</summary>
public sealed class NodeConfigSchemaTests
{
    private const string Valid = NodeConfigurationLoaderTests.Valid;

    [Fact]
    public void NodeConfigSchemaFile_IsTheCompositionOfTheBuiltInDrivers()
    {
        string path = Path.Combine(NodeConfigurationLoaderTests.RepoRoot(), "firmware-config", "schemas", EmbeddedSchemas.NodeConfig);
        string composed = NodeConfigSchema.ComposeText(BuiltInDrivers.Create());
        if (Environment.GetEnvironmentVariable("CITYBRAIN_UPDATE_SCHEMAS") == "1")
        {
            File.WriteAllText(path, composed);
        }

        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path)), JsonNode.Parse(composed)),
            $"{path} is generated from the drivers' schema fragments and differs from them: run CITYBRAIN_UPDATE_SCHEMAS=1 dotnet test tests/CityBrain.Provisioning.Tests --filter NodeConfigSchemaFile");
    }

    [Fact]
    public void ComposedSchema_ListsEveryDriverAndBusKind()
    {
        var schema = NodeConfigSchema.Compose(BuiltInDrivers.Create());
        var drivers = schema["$defs"]!["sensor"]!["properties"]!["driver"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var kinds = schema["$defs"]!["bus"]!["properties"]!["kind"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("simulated", drivers);
        Assert.Contains("modbus", drivers);
        Assert.Contains("modbus-tcp", kinds);
        Assert.Contains("modbus-rtu", kinds);
        Assert.NotNull(schema["$defs"]!["driver-modbus"]);
    }

    [Fact]
    public void AnotherDriversField_OnASensor_IsAnUnknownFieldAtItsPath()
    {
        // "bus" belongs to the modbus driver: on a simulated sensor it is a field nobody reads.
        string json = Valid.Replace("\"kind\": \"bin\"", "\"kind\": \"bin\", \"bus\": \"rs485-1\"", StringComparison.Ordinal);
        var ex = Assert.Throws<ConfigurationException>(() => NodeConfigurationLoader.Parse(json, "node.json", BuiltInDrivers.Create()));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("/sensors/0/bus", error.Path);
        Assert.Contains("unknown field", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDriver_IsRefusedWithTheDriversThisBuildHas()
    {
        string json = Valid.Replace("\"driver\": \"simulated\", \"kind\": \"bin\"", "\"driver\": \"zigbee\"", StringComparison.Ordinal);
        var ex = Assert.Throws<ConfigurationException>(() => NodeConfigurationLoader.Parse(json, "node.json", BuiltInDrivers.Create()));
        Assert.Contains(ex.Errors, e => e.Path == "/sensors/0/driver" && e.Value == "\"zigbee\"");
    }

    [Fact]
    public void UnknownSimulatedKind_IsASchemaErrorNamingTheField()
    {
        string json = Valid.Replace("\"kind\": \"bin\"", "\"kind\": \"volcano\"", StringComparison.Ordinal);
        var ex = Assert.Throws<ConfigurationException>(() => NodeConfigurationLoader.Parse(json, "node.json", BuiltInDrivers.Create()));
        Assert.Contains(ex.Errors, e => e.Path == "/sensors/0/kind" && e.Value == "\"volcano\"");
    }
}
