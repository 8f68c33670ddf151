using System.Buffers;
using CityBrain.Hub.Ingest;
using CityBrain.Provisioning.Registry;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Hub;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class LocationCheckTests
{
    private static readonly GridRegistry Registry = GridRegistryLoader.Parse(File.ReadAllText(RepoPaths.Combine("deploy", "grids.example.json")), "grids.example.json");

    private static ReadOnlySequence<byte> Telemetry(string node) =>
        new(TelemetryCodec.Serialize(new NodeMessages("x", "y", node).Telemetry(DateTimeOffset.UnixEpoch.AddYears(56), ("s1", "pm2_5", 1.0, "ug/m3"))));

    [Fact]
    public void Route_RegisteredNodeAtItsPlace_IsTelemetry()
    {
        var r = new MessageRouter(4096, false, Registry).Route("citybrain/v1/harbour/g-0417/n-harbour-01/telemetry", Telemetry("n-harbour-01"));
        Assert.Equal(RouteKind.Telemetry, r.Kind);
    }

    [Theory]
    [InlineData("citybrain/v1/harbour/g-0418/n-harbour-01/telemetry", "n-harbour-01", "grid 'g-0417'")]
    [InlineData("citybrain/v1/old-town/g-0417/n-harbour-01/telemetry", "n-harbour-01", "district 'harbour'")]
    [InlineData("citybrain/v1/harbour/g-0417/n-stranger/telemetry", "n-stranger", "not in the grid registry")]
    public void Route_ClaimedPlaceNotTheRegistrys_IsLocationMismatchWithReason(string topic, string node, string reason)
    {
        var r = new MessageRouter(4096, false, Registry).Route(topic, Telemetry(node));
        Assert.Equal(RouteKind.Reject, r.Kind);
        Assert.Equal(ContractViolation.LocationMismatch, r.Violation!.Code);
        Assert.Contains(reason, r.Violation.Message, StringComparison.Ordinal);
        Assert.Null(r.Telemetry);
    }

    [Fact]
    public void Route_StatusNamingAnotherStreet_IsLocationMismatch_HealthAtItsPlaceIsNot()
    {
        var router = new MessageRouter(4096, false, Registry);
        var node = new NodeMessages("harbour", "g-0417", "n-harbour-01", street: "dock-street");
        var status = node.Online(DateTimeOffset.UnixEpoch.AddYears(56)) with { Location = new LocationInfo("metropolis", "harbour", "dock-street", "g-0417") };

        var r = router.Route("citybrain/v1/harbour/g-0417/n-harbour-01/status", new(ContractJson.Serialize(status, ContractJsonContext.Default.StatusMessage)));
        Assert.Equal(ContractViolation.LocationMismatch, r.Violation!.Code);
        Assert.Contains("street 'quay-road'", r.Violation.Message, StringComparison.Ordinal);

        var good = status with { Location = new LocationInfo("metropolis", "harbour", "quay-road", "g-0417") };
        Assert.Equal(RouteKind.Status, router.Route("citybrain/v1/harbour/g-0417/n-harbour-01/status", new(ContractJson.Serialize(good, ContractJsonContext.Default.StatusMessage))).Kind);
        var health = node.Health(DateTimeOffset.UnixEpoch.AddYears(56));
        Assert.Equal(RouteKind.Health, router.Route("citybrain/v1/harbour/g-0417/n-harbour-01/health", new(ContractJson.Serialize(health, ContractJsonContext.Default.HealthMessage))).Kind);
    }

    [Fact]
    public void Route_WithoutRegistry_AcceptsAnyPlace() =>
        Assert.Equal(RouteKind.Telemetry, new MessageRouter(4096, false).Route("citybrain/v1/anywhere/g-1/n-stranger/telemetry", Telemetry("n-stranger")).Kind);
}
