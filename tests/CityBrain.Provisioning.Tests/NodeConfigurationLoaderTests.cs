using CityBrain.Drivers.Modbus;
using CityBrain.Drivers.Simulated;
using CityBrain.Edge.Composition;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Drivers;

namespace CityBrain.Provisioning.Tests;

public sealed class NodeConfigurationLoaderTests
{
    internal const string Valid = """
        {
          "version": 1,
          "node": { "id": "n-01", "location": { "city": "metropolis", "district": "harbour", "street": "quay-road", "grid": "g-0417" } },
          "mqtt": { "host": "127.0.0.1" },
          "sensors": [ { "id": "bin-07", "driver": "simulated", "kind": "bin", "intervalMs": 1000 } ]
        }
        """;

    private static readonly DriverRegistry Drivers = BuiltInDrivers.Create();

    private static ConfigurationException Reject(string json) =>
        Assert.Throws<ConfigurationException>(() => NodeConfigurationLoader.Parse(json, "node.json", Drivers, Path.GetTempPath()));

    [Fact]
    public void Parse_MinimalConfiguration_AppliesDocumentedDefaults()
    {
        var loaded = NodeConfigurationLoader.Parse(Valid, "node.json", Drivers);
        var c = loaded.Configuration;
        Assert.Equal("n-01", c.Node.Id);
        Assert.Equal("harbour", c.Node.ToIdentity().Location.District);
        Assert.Equal(1883, c.Mqtt.EffectivePort);
        Assert.Equal("disk", c.Buffer.Kind);
        Assert.Equal("group", c.Buffer.Fsync);
        Assert.Equal(500, c.Publish.MaxBatchReadings);
        Assert.Equal(256 * 1024, c.Publish.MaxMessageBytes);
        Assert.Empty(loaded.Warnings);

        // Every absent section and field keeps its declared default (the source-generated reader must not zero them).
        Assert.Equal(new BufferSection(), c.Buffer);
        Assert.Equal(new PublishSection(), c.Publish);
        Assert.Equal(new TlsSection(), c.Mqtt.Tls);
        Assert.Equal(new MqttSection { Host = "127.0.0.1" }, c.Mqtt);
        Assert.Empty(c.Buses);
        var sensor = Assert.Single(c.Sensors);
        Assert.Empty(sensor.Processors);
        var fields = Assert.IsType<SimulatedSensorFields>(Assert.Single(loaded.Sensors).Options);
        Assert.Equal((1, 1, 0), (fields.Seed, fields.SamplesPerPoll, fields.FaultEvery));
    }

    [Theory]
    [InlineData("{ \"id\": \"b\", \"kind\": \"modbus-tcp\", \"host\": \"10.0.0.5\" }", 0)]
    [InlineData("{ \"id\": \"b\", \"kind\": \"modbus-rtu\", \"port\": \"/dev/ttyUSB0\" }", 10)]
    [InlineData("{ \"id\": \"b\", \"kind\": \"modbus-tcp\", \"host\": \"10.0.0.5\", \"turnaroundMs\": 5 }", 5)]
    public void BusTurnaround_DefaultsToZeroOnTcpAndTenMillisecondsOnRtu(string bus, int expected)
    {
        var loaded = NodeConfigurationLoader.Parse(Valid.Replace("\"sensors\": [", "\"buses\": [ " + bus + " ], \"sensors\": [", StringComparison.Ordinal), "node.json", Drivers);
        var options = ((IModbusBusFields)loaded.Buses["b"].Options).ToBusOptions("b");
        Assert.Equal(TimeSpan.FromMilliseconds(expected), options.TurnaroundDelay);
    }

    [Fact]
    public void Parse_ShippedDemoConfiguration_IsValid()
    {
        string path = Path.Combine(RepoRoot(), "deploy", "edge", "node.demo.json");
        var loaded = NodeConfigurationLoader.Parse(File.ReadAllText(path), path, Drivers);
        Assert.Contains(loaded.Configuration.Sensors, s => s.Driver == "simulated");
        Assert.Contains(loaded.Sensors, s => s.Options is ModbusSensorFields { Bus: "plc-1" });
        Assert.Single(loaded.Configuration.Buses);
    }

    [Fact]
    public void Parse_BadJson_NamesLineAndByte()
    {
        var ex = Reject("{ \"version\": 1, \"node\": }");
        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("line 1, byte", error.Path, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidIdAndInterval_NameFieldValueAndFix()
    {
        var ex = Reject(Valid.Replace("\"bin-07\"", "\"Bin 07\"", StringComparison.Ordinal).Replace("\"intervalMs\": 1000", "\"intervalMs\": 5", StringComparison.Ordinal));
        var id = Assert.Single(ex.Errors, e => e.Path == "/sensors/0/id");
        Assert.Equal("\"Bin 07\"", id.Value);
        Assert.Contains("lower-case", id.Fix, StringComparison.Ordinal);
        var interval = Assert.Single(ex.Errors, e => e.Path == "/sensors/0/intervalMs");
        Assert.Equal("5", interval.Value);
        Assert.Contains("range", interval.Fix, StringComparison.Ordinal);
        Assert.Contains("node.json has 2 problems", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownField_IsRejectedWithASpellingHint()
    {
        var ex = Reject(Valid.Replace("\"host\": \"127.0.0.1\"", "\"host\": \"127.0.0.1\", \"hots\": 1", StringComparison.Ordinal));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("/mqtt/hots", error.Path);
        Assert.Contains("spelling", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModbusSensorOnUnknownBus_ListsTheBusesThatExist()
    {
        string json = Valid.Replace(
            "\"sensors\": [",
            "\"buses\": [ { \"id\": \"rs485-1\", \"kind\": \"modbus-rtu\", \"port\": \"/dev/ttyUSB0\" } ], \"sensors\": [ { \"id\": \"ws-1\", \"driver\": \"modbus\", \"intervalMs\": 5000, \"bus\": \"rs485-2\", \"unit\": 3, \"template\": \"weather-station\" },",
            StringComparison.Ordinal);
        var error = Assert.Single(Reject(json).Errors);
        Assert.Equal("/sensors/0/bus", error.Path);
        Assert.Equal("\"rs485-2\"", error.Value);
        Assert.Contains("rs485-1", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModbusSensorWithoutTemplate_IsASchemaError()
    {
        string json = Valid.Replace("\"driver\": \"simulated\", \"kind\": \"bin\"", "\"driver\": \"modbus\", \"bus\": \"x\", \"unit\": 1", StringComparison.Ordinal);
        Assert.Contains(Reject(json).Errors, e => e.Problem.Contains("template", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DuplicateSensorIdsAndBroadcastUnit_AreBothReported()
    {
        string json = Valid.Replace(
            "\"sensors\": [",
            "\"buses\": [ { \"id\": \"tcp-1\", \"kind\": \"modbus-tcp\", \"host\": \"10.0.0.5\" } ], \"sensors\": [ { \"id\": \"bin-07\", \"driver\": \"modbus\", \"intervalMs\": 5000, \"bus\": \"tcp-1\", \"unit\": 0, \"template\": \"t\" },",
            StringComparison.Ordinal);
        var ex = Reject(json);
        Assert.Contains(ex.Errors, e => e.Path == "/sensors/1/id" && e.Problem == "duplicate sensor id");
        Assert.Contains(ex.Errors, e => e.Path == "/sensors/0/unit" && e.Problem.Contains("broadcast", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"intervalMs\": 200", "/sensors/0/intervalMs", "200")]
    [InlineData("\"intervalMs\": 5000, \"timeoutMs\": 300", "/sensors/0/timeoutMs", "300")]
    public void Parse_ModbusPollTimeoutShorterThanTheBusTimeout_IsRejected(string timing, string path, string value)
    {
        // A poll abandoned before the bus's own 1000 ms request timeout never counts as the device's timeout.
        string json = Valid.Replace(
            "\"sensors\": [",
            "\"buses\": [ { \"id\": \"tcp-1\", \"kind\": \"modbus-tcp\", \"host\": \"10.0.0.5\", \"timeoutMs\": 1000 } ], \"sensors\": [ { \"id\": \"em-01\", \"driver\": \"modbus\", " + timing + ", \"bus\": \"tcp-1\", \"unit\": 1, \"template\": \"t\" },",
            StringComparison.Ordinal);
        var error = Assert.Single(Reject(json).Errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(value, error.Value);
        Assert.Contains("1000", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModbusFastPollWithTimeoutCoveringTheBus_IsAccepted()
    {
        string json = Valid.Replace(
            "\"sensors\": [",
            "\"buses\": [ { \"id\": \"tcp-1\", \"kind\": \"modbus-tcp\", \"host\": \"10.0.0.5\", \"timeoutMs\": 1000 } ], \"sensors\": [ { \"id\": \"em-01\", \"driver\": \"modbus\", \"intervalMs\": 200, \"timeoutMs\": 1000, \"bus\": \"tcp-1\", \"unit\": 1, \"template\": \"t\" },",
            StringComparison.Ordinal);
        var loaded = NodeConfigurationLoader.Parse(json, "node.json", Drivers, Path.GetTempPath());
        Assert.Equal(TimeSpan.FromMilliseconds(1000), loaded.Configuration.Sensors[0].EffectiveTimeout);
    }

    [Fact]
    public void Parse_MissingPasswordFile_NamesTheResolvedPath()
    {
        string json = Valid.Replace("\"host\": \"127.0.0.1\"", "\"host\": \"127.0.0.1\", \"username\": \"n-01\", \"passwordFile\": \"secrets/nope.pass\"", StringComparison.Ordinal);
        var error = Assert.Single(Reject(json).Errors);
        Assert.Equal("/mqtt/passwordFile", error.Path);
        Assert.Contains(Path.Combine(Path.GetTempPath(), "secrets/nope.pass"), error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ClientIdOtherThanUsername_IsRefusedNamingTheBrokerRule()
    {
        string json = Valid.Replace("\"host\": \"127.0.0.1\"", "\"host\": \"127.0.0.1\", \"username\": \"n-01\", \"clientId\": \"citybrain-hub-a\"", StringComparison.Ordinal);
        var error = Assert.Single(Reject(json).Errors);
        Assert.Equal(("/mqtt/clientId", "\"citybrain-hub-a\""), (error.Path, error.Value));
        Assert.Contains("use_username_as_clientid", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(1048577)]
    public void Parse_MaxMessageBytesOutOfRange_IsRefusedNamingTheField(int bytes)
    {
        string json = Valid.Replace("\"sensors\": [", $"\"publish\": {{ \"maxMessageBytes\": {bytes} }}, \"sensors\": [", StringComparison.Ordinal);
        Assert.Contains(Reject(json).Errors, e => e.Path == "/publish/maxMessageBytes");
    }

    [Fact]
    public void Parse_RemoteBrokerWithoutTls_WarnsThatProductionNeedsTls()
    {
        var loaded = NodeConfigurationLoader.Parse(Valid.Replace("127.0.0.1", "broker.city.local", StringComparison.Ordinal), "node.json", Drivers);
        Assert.Contains(loaded.Warnings, w => w.Contains("must use TLS", StringComparison.Ordinal));
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CityBrain.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("CityBrain.sln not found above " + AppContext.BaseDirectory);
    }
}
