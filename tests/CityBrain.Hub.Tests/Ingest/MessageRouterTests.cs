using System.Buffers;
using System.Text;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class MessageRouterTests
{
    private static ReadOnlySequence<byte> P(string s) => new(Encoding.UTF8.GetBytes(s));

    [Theory]
    [InlineData("citybrain/v1/_hub/deadletter")]
    [InlineData("citybrain/v1/_alerts/d1/g1/n1")]
    [InlineData("citybrain/v1/d1/g1/n1/config")]
    [InlineData("citybrain/v1/d1/g1/n1/cmd")]
    [InlineData("citybrain/v1/d1/g1/n1/ack")]
    [InlineData("citybrain/v1/_replies/citybrain-hub-a/n1")]
    public void Route_HubOutputsAndConfig_AreIgnored(string topic) =>
        Assert.Equal(RouteKind.Ignore, new MessageRouter(1024, false).Route(topic, P("x")).Kind);

    [Fact]
    public void Route_TooLarge_RejectedBeforeParsing()
    {
        var r = new MessageRouter(1024, false).Route("citybrain/v1/d1/g1/n1/telemetry", new ReadOnlySequence<byte>(new byte[1025]));
        Assert.Equal(ContractViolation.TooLarge, r.Violation!.Code);
    }

    [Fact]
    public void Route_StatusWithOtherNode_IsNodeMismatch()
    {
        var r = new MessageRouter(4096, false).Route("citybrain/v1/d1/g1/n1/status", P("""{"v":1,"node":"n2","state":"online","ts":1}"""));
        Assert.Equal(ContractViolation.NodeMismatch, r.Violation!.Code);
    }

    [Fact]
    public void Route_StatusValid_And_EmptyRetainedClear()
    {
        var router = new MessageRouter(4096, false);
        var r = router.Route("citybrain/v1/d1/g1/n1/status", P("""{"v":1,"node":"n1","state":"offline","ts":1,"reason":"connection_lost"}"""));
        Assert.Equal(RouteKind.Status, r.Kind);
        Assert.Equal("offline", r.Status!.State);
        var cleared = router.Route("citybrain/v1/d1/g1/n1/status", ReadOnlySequence<byte>.Empty);
        Assert.Equal(RouteKind.Status, cleared.Kind);
        Assert.Null(cleared.Status);
    }

    [Fact]
    public void Route_ScaleOut_StatusFromSharedSubscription_IgnoredButFromBroadcastRouted()
    {
        var router = new MessageRouter(4096, scaleOut: true);
        string json = """{"v":1,"node":"n1","state":"online","ts":1}""";
        Assert.Equal(RouteKind.Ignore, router.Route("citybrain/v1/d1/g1/n1/status", P(json), [MessageRouter.SharedSubscriptionId]).Kind);
        Assert.Equal(RouteKind.Status, router.Route("citybrain/v1/d1/g1/n1/status", P(json), [MessageRouter.BroadcastSubscriptionId]).Kind);
    }

    [Fact]
    public void Route_HealthNotJson_IsInvalidJson()
    {
        var r = new MessageRouter(4096, false).Route("citybrain/v1/d1/g1/n1/health", P("{nope"));
        Assert.Equal(ContractViolation.InvalidJson, r.Violation!.Code);
    }

    [Fact]
    public void Route_StatusWithTimeBeyondYear9999_IsRejectedNamingTs()
    {
        var r = new MessageRouter(4096, false).Route("citybrain/v1/d1/g1/n1/status", P("""{"v":1,"node":"n1","state":"online","ts":253402300800000}"""));
        Assert.Equal(RouteKind.Reject, r.Kind);
        Assert.Equal(ContractViolation.InvalidValue, r.Violation!.Code);
        Assert.StartsWith("$.ts:", r.Violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_HealthWithHugeSensorId_IsRejected_ReasonCut()
    {
        var nodes = new CityBrain.Testing.Hub.NodeMessages("d1", "g1", "n1");
        var health = nodes.Health(DateTimeOffset.UtcNow, sensors: new SensorHealth { Id = new string('x', 100_000), Status = SensorHealth.Ok });
        var payload = ContractJson.Serialize(health, ContractJsonContext.Default.HealthMessage);

        var r = new MessageRouter(1024 * 1024, false).Route("citybrain/v1/d1/g1/n1/health", new ReadOnlySequence<byte>(payload));

        Assert.Equal(RouteKind.Reject, r.Kind);
        Assert.Contains("$.sensors[0].id", r.Violation!.Message, StringComparison.Ordinal);
        Assert.True(r.Violation.Message.Length < 300);
    }

    [Theory]
    [InlineData("""{"v":1,"node":"n1","state":"online","ts":-1}""", "$.ts")]
    [InlineData("""{"v":1,"node":"n1","state":"offline","ts":1,"reason":"x"}""", "$.reason")]
    [InlineData("""{"v":1,"node":"n1","state":"online","ts":1,"location":{"city":"C","district":"d1","street":"s","grid":"g1"}}""", "$.location.city")]
    [InlineData("""{"v":1,"node":"n1","state":"online","ts":1,"sensors":[{"id":"s1","driver":"sim","intervalMs":0,"quantities":[]}]}""", "$.sensors[0].intervalMs")]
    [InlineData("""{"v":1,"node":"n1","state":"online","ts":1,"sensors":[{"id":"s1","driver":"sim","intervalMs":10,"quantities":[{"quantity":"pm2_5","unit":"12345678901234567"}]}]}""", "$.sensors[0].quantities[0].unit")]
    public void Route_StatusBreakingTheContract_IsRejectedNamingTheField(string json, string path)
    {
        var r = new MessageRouter(4096, false).Route("citybrain/v1/d1/g1/n1/status", P(json));
        Assert.Equal(RouteKind.Reject, r.Kind);
        Assert.StartsWith(path, r.Violation!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_HealthAsTheEdgeWritesIt_IsRouted()
    {
        var nodes = new CityBrain.Testing.Hub.NodeMessages("d1", "g1", "n1");
        var health = nodes.Health(DateTimeOffset.UtcNow, sensors: new SensorHealth { Id = "s1", Status = SensorHealth.Fault, LastError = new FaultInfo("timeout", "no answer\nin 1000 ms", 1_780_000_000_000) });
        var r = new MessageRouter(4096, false).Route("citybrain/v1/d1/g1/n1/health", new ReadOnlySequence<byte>(ContractJson.Serialize(health, ContractJsonContext.Default.HealthMessage)));
        Assert.Equal(RouteKind.Health, r.Kind);
    }

    [Theory]
    [InlineData("ok", null, null)]
    [InlineData("too_many", ContractViolation.TooLarge, "$.sensors[0].detail: 17 entries, more than 16")]
    [InlineData("long_value", ContractViolation.InvalidValue, "$.sensors[0].detail.chip: 201 characters, more than 200")]
    [InlineData("control_in_value", ContractViolation.InvalidValue, "$.sensors[0].detail.chip: contains a control character")]
    [InlineData("bad_key", ContractViolation.InvalidValue, "$.sensors[0].detail: key")]
    [InlineData("null_value", ContractViolation.WrongType, "$.sensors[0].detail.chip: expected a string")]
    [InlineData("number_value", ContractViolation.WrongType, null)]
    public void Route_HealthSensorDetail_IsBoundedInSizeAndType(string variant, string? code, string? message)
    {
        string detail = variant switch
        {
            "ok" => """{"chip":"gpiochip0","driver":"libgpiod-v2"}""",
            "too_many" => "{" + string.Join(",", Enumerable.Range(0, 17).Select(i => $"\"k{i}\":\"v\"")) + "}",
            "long_value" => "{\"chip\":\"" + new string('x', 201) + "\"}",
            "control_in_value" => """{"chip":"a\u0007b"}""",
            "bad_key" => "{\"" + new string('k', 65) + "\":\"v\"}",
            "null_value" => """{"chip":null}""",
            _ => """{"chip":7}""",
        };
        string json = "{\"v\":1,\"node\":\"n1\",\"ts\":1795000000000,\"boot\":\"b\",\"uptimeS\":1,\"memoryBytes\":1,\"intervalS\":30,"
            + "\"buffer\":{\"kind\":\"disk\",\"readings\":0,\"bytes\":0,\"oldestAgeS\":0,\"nextSeq\":1,\"dropped\":{},\"bytesWritten\":0},"
            + "\"publish\":{\"connected\":true,\"reconnects\":0,\"messages\":0,\"readings\":0,\"latencyP50Ms\":0,\"latencyP99Ms\":0},"
            + "\"sensors\":[{\"id\":\"s1\",\"status\":\"ok\",\"sampled\":1,\"filtered\":0,\"faults\":0,\"overruns\":0,\"detail\":" + detail + "}]}";

        var r = new MessageRouter(64 * 1024, false).Route("citybrain/v1/d1/g1/n1/health", P(json));

        if (code is null && message is null)
        {
            Assert.Equal(RouteKind.Health, r.Kind);
            Assert.Equal("libgpiod-v2", r.Health!.Sensors[0].Detail!["driver"]);
            return;
        }

        Assert.Equal(RouteKind.Reject, r.Kind);
        if (code is not null)
        {
            Assert.Equal(code, r.Violation!.Code);
        }

        if (message is not null)
        {
            Assert.StartsWith(message, r.Violation!.Message, StringComparison.Ordinal);
        }
    }
}
