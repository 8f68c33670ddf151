using System.Text.Json;
using CityBrain.Provisioning.Schemas;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Provisioning.Tests;

/// <summary>The messages our code writes validate against the published JSON Schemas, and the schemas reject what the codec rejects.</summary>
public sealed class ContractSchemaTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);

    internal static IReadOnlyList<CityBrain.Sensing.Configuration.ConfigError> Check(string schema, byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        return SchemaCheck.Evaluate(EmbeddedSchemas.Get(schema), doc.RootElement);
    }

    [Fact]
    public void Telemetry_WrittenByTheCodec_MatchesTheSchema()
    {
        var message = new TelemetryMessage("n-01", T0, [
            new SequencedReading(0, new Reading("loop-01", "vehicle_count", 12, "count", T0)),
            new SequencedReading(1, new Reading("env-01", "noise_laeq", 61.5, "dB(A)", T0, Quality.Uncertain)),
        ]);
        Assert.Empty(Check(EmbeddedSchemas.Telemetry, TelemetryCodec.Serialize(message)));
    }

    [Theory]
    [InlineData("{\"v\":2,\"node\":\"n\",\"sent\":1,\"readings\":[{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}]}")]
    [InlineData("{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[{\"seq\":1,\"sensor\":\"a,b=c d\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}]}")]
    [InlineData("{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":\"1\",\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}]}")]
    [InlineData("{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[]}")]
    [InlineData("{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000,\"quality\":\"good\"}]}")]
    public void Telemetry_TheCodecRejects_TheSchemaRejectsToo(string json)
    {
        // Rejected as a whole message or reading by reading (the hub keeps the good ones): either way not accepted as is.
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(json);
        Assert.False(TelemetryCodec.TryRead(bytes, out var message, out _) && message!.Rejected.Count == 0);
        Assert.NotEmpty(Check(EmbeddedSchemas.Telemetry, bytes));
    }

    [Fact]
    public void Status_BirthAndWill_MatchTheSchema()
    {
        var birth = new StatusMessage
        {
            Node = "n-01",
            State = StatusMessage.Online,
            Timestamp = 1,
            Boot = "abc",
            Software = "citybrain-edge/1",
            Location = new LocationInfo("metropolis", "harbour", "quay-road", "g-0417"),
            Sensors = [new SensorInfo("bin-07", "simulated", 1000, [new QuantityEntry("fill_level", "%")])],
        };
        var will = new StatusMessage { Node = "n-01", State = StatusMessage.Offline, Reason = "connection_lost", Timestamp = 1, Boot = "abc" };
        Assert.Empty(Check(EmbeddedSchemas.Status, ContractJson.Serialize(birth)));
        Assert.Empty(Check(EmbeddedSchemas.Status, ContractJson.Serialize(will)));

        // The edge serializes without reflection (NativeAOT): the same bytes.
        Assert.Equal(ContractJson.Serialize(birth), ContractJson.Serialize(birth, ContractJsonContext.Default.StatusMessage));
        Assert.Equal(ContractJson.Serialize(will), ContractJson.Serialize(will, ContractJsonContext.Default.StatusMessage));
    }

    [Fact]
    public void Health_MatchesTheSchema()
    {
        var health = new HealthMessage
        {
            Node = "n-01",
            Timestamp = 1,
            IntervalSeconds = 30,
            Buffer = new BufferHealth { Readings = 3, Dropped = new Dictionary<string, long> { ["overflow"] = 1 } },
            Publish = new PublishHealth { Connected = true, LatencyP50Ms = 12.5 },
            Sensors = [new SensorHealth { Id = "bin-07", Status = SensorHealth.Fault, LastError = new FaultInfo("timeout", "no answer", 1) }],
        };
        Assert.Empty(Check(EmbeddedSchemas.Health, ContractJson.Serialize(health)));
        Assert.Equal(ContractJson.Serialize(health), ContractJson.Serialize(health, ContractJsonContext.Default.HealthMessage));
    }

    [Fact]
    public void DeadLetter_MatchesTheSchema()
    {
        var letter = new DeadLetterMessage { Code = ContractViolation.InvalidJson, Reason = "x", Topic = "citybrain/v1/a/b/c/telemetry", PayloadBytes = 3, PayloadHead = "e30=" };
        Assert.Empty(Check(EmbeddedSchemas.DeadLetter, ContractJson.Serialize(letter)));
    }

    [Fact]
    public void DeadLetter_OfOneReadingAndOfOnePoint_MatchTheSchema()
    {
        var reading = new DeadLetterMessage
        {
            Code = ContractViolation.BadTimestamp,
            Reason = "$.readings[1].ts: 17 is outside 2000-01-01..2100-01-01",
            Topic = "citybrain/v1/a/b/c/telemetry",
            Node = "c",
            Seq = 41,
            Sensor = "s1",
            Reading = "{\"seq\":41,\"ts\":17}",
            PayloadBytes = 300,
        };
        var point = new DeadLetterMessage
        {
            Code = ContractViolation.WriteRejected,
            Reason = "influx refused the point (HTTP 400, beyond_retention): partial write",
            Topic = "citybrain/v1/a/b/c/telemetry",
            Node = "c",
            Seq = 42,
            Line = "q,node=c value=1 17",
        };
        Assert.Empty(Check(EmbeddedSchemas.DeadLetter, ContractJson.Serialize(reading)));
        Assert.Empty(Check(EmbeddedSchemas.DeadLetter, ContractJson.Serialize(point with { Payload = "e30=" })));
    }

    [Fact]
    public void Ack_MatchesTheSchema_AndABrokenOneDoesNot()
    {
        var ack = new AckMessage { Node = "n-01", Timestamp = 1, Ranges = [[0, 499], [1000, 1000]], Hub = "hub-a" };
        Assert.Empty(Check(EmbeddedSchemas.Ack, ContractJson.Serialize(ack, ContractJsonContext.Default.AckMessage)));
        Assert.Equal(ContractJson.Serialize(ack), ContractJson.Serialize(ack, ContractJsonContext.Default.AckMessage));
        Assert.NotEmpty(Check(EmbeddedSchemas.Ack, ContractJson.Serialize(ack with { Ranges = [[0, 1, 2]] })));
    }
}
