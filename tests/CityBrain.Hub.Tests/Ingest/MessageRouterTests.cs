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
}
