using MQTTnet;

namespace CityBrain.IntegrationTests.Broker;

/// <summary>
/// Issue 15 items 2 and 3 on a real Mosquitto loaded with the shipped configuration and the ACL generated from the
/// example grid registry (deploy/grids.example.json → deploy/mosquitto/acl): every role reads what it may and is
/// refused what it may not; nodes are pinned to their own district and grid; only consumers in scope command a node.
/// Mosquitto 2.0 grants a subscription wider than the user's read ACL and checks every message against it on
/// delivery, so a refusal is checked as absence: after a message sent later from inside the scope has arrived (the
/// broker keeps each subscriber's order), never by waiting.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RegistryAclTests
{
    private const string Hub = "citybrain-hub-a";
    private const string City = "city-brain";
    private const string HarbourCentre = "ccc-harbour";
    private const string QuayOffice = "office-quay-road";
    private const string Sanitation = "dept-sanitation";
    private const string Provisioning = "citybrain-provisioning";

    // n-harbour-01: harbour/g-0417 (quay-road); n-harbour-02: harbour/g-0418 (quay-road);
    // n-harbour-03: harbour/g-0420 (dock-street); n-oldtown-01: old-town/g-0101.
    private const string H1 = "citybrain/v1/harbour/g-0417/n-harbour-01/";
    private const string H2 = "citybrain/v1/harbour/g-0418/n-harbour-02/";
    private const string H3 = "citybrain/v1/harbour/g-0420/n-harbour-03/";
    private const string O1 = "citybrain/v1/old-town/g-0101/n-oldtown-01/";

    private static Task<ShippedBroker> StartAsync() =>
        ShippedBroker.StartAsync(Hub, City, HarbourCentre, QuayOffice, Sanitation, Provisioning, "n-harbour-01", "n-harbour-02", "n-harbour-03", "n-oldtown-01");

    [Fact]
    public async Task DistrictCentre_ReadsItsDistrictAndItsAlerts_NeverAnotherDistrict()
    {
        await using var broker = await StartAsync();
        await using var city = await RoleClient.ConnectAsync(broker, City);
        await using var centre = await RoleClient.ConnectAsync(broker, HarbourCentre);
        await using var hub = await RoleClient.ConnectAsync(broker, Hub);
        await using var oldTown = await RoleClient.ConnectAsync(broker, "n-oldtown-01");
        await using var harbour = await RoleClient.ConnectAsync(broker, "n-harbour-03");

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await city.SubscribeAsync("citybrain/v1/#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await centre.SubscribeAsync("citybrain/v1/harbour/#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await centre.SubscribeAsync("citybrain/v1/_alerts/harbour/#"));
        await centre.SubscribeAsync("citybrain/v1/old-town/#");
        await centre.SubscribeAsync("citybrain/v1/#");
        await centre.SubscribeAsync("citybrain/v1/_alerts/#");

        await oldTown.PublishAcceptedAsync(O1 + "telemetry");
        await hub.PublishAcceptedAsync("citybrain/v1/_alerts/old-town/g-0101/n-oldtown-01/node-offline");
        await harbour.PublishAcceptedAsync(H3 + "telemetry");
        await hub.PublishAcceptedAsync("citybrain/v1/_alerts/harbour/g-0420/n-harbour-03/node-offline");

        await city.WaitForAsync(O1 + "telemetry");
        await city.WaitForAsync(H3 + "telemetry");
        await centre.WaitForAsync(H3 + "telemetry");
        await centre.WaitForAsync("citybrain/v1/_alerts/harbour/g-0420/n-harbour-03/node-offline");
        Assert.DoesNotContain(centre.Received, t => t.Contains("old-town", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreetOffice_ReadsItsGridsOnly_NotAnotherStreetOfItsDistrict()
    {
        await using var broker = await StartAsync();
        await using var office = await RoleClient.ConnectAsync(broker, QuayOffice);
        await using var hub = await RoleClient.ConnectAsync(broker, Hub);
        await using var quay = await RoleClient.ConnectAsync(broker, "n-harbour-02");
        await using var dock = await RoleClient.ConnectAsync(broker, "n-harbour-03");

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await office.SubscribeAsync("citybrain/v1/harbour/g-0417/#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await office.SubscribeAsync("citybrain/v1/harbour/g-0418/#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await office.SubscribeAsync("citybrain/v1/_alerts/harbour/g-0418/#"));
        await office.SubscribeAsync("citybrain/v1/harbour/g-0420/#");
        await office.SubscribeAsync("citybrain/v1/harbour/#");

        await dock.PublishAcceptedAsync(H3 + "telemetry");
        await quay.PublishAcceptedAsync(H2 + "telemetry");
        await hub.PublishAcceptedAsync("citybrain/v1/_alerts/harbour/g-0418/n-harbour-02/bin-full/bin-07");

        await office.WaitForAsync(H2 + "telemetry");
        await office.WaitForAsync("citybrain/v1/_alerts/harbour/g-0418/n-harbour-02/bin-full/bin-07");
        Assert.DoesNotContain(office.Received, t => t.Contains("g-0420", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Department_GetsNoNodeTopics_OnlyTheCatalogue()
    {
        await using var broker = await StartAsync();
        await using var department = await RoleClient.ConnectAsync(broker, Sanitation);
        await using var hub = await RoleClient.ConnectAsync(broker, Hub);
        await using var node = await RoleClient.ConnectAsync(broker, "n-harbour-01");

        await department.SubscribeAsync("citybrain/v1/#");
        await department.SubscribeAsync("citybrain/v1/+/+/+/telemetry");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await department.SubscribeAsync("citybrain/v1/_catalogue/#"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await department.PublishAsync(H1 + "cmd"));

        await node.PublishAcceptedAsync(H1 + "telemetry");
        await hub.PublishAcceptedAsync("citybrain/v1/_alerts/harbour/g-0417/n-harbour-01/bin-full/bin-07");
        await hub.PublishAcceptedAsync("citybrain/v1/_catalogue/quantities", retain: true);
        await department.WaitForAsync("citybrain/v1/_catalogue/quantities");
        Assert.All(department.Received, t => Assert.StartsWith("citybrain/v1/_catalogue/", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Node_PinnedToItsGrid_CannotCommand_CannotReadAnotherNodesConfig_ReadsItsOwnCommands()
    {
        await using var broker = await StartAsync();
        await using var node = await RoleClient.ConnectAsync(broker, "n-harbour-01");
        await using var provisioning = await RoleClient.ConnectAsync(broker, Provisioning);
        await using var city = await RoleClient.ConnectAsync(broker, City);

        // Its own topics under its registered district and grid: accepted.
        await node.PublishAcceptedAsync(H1 + "telemetry");
        await node.PublishAcceptedAsync(H1 + "status", retain: true);
        await node.PublishAcceptedAsync($"citybrain/v1/_replies/{City}/n-harbour-01"); // an on-call answer, under its own id
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await node.PublishAsync($"citybrain/v1/_replies/{City}/n-harbour-02"));

        // The same node id under another grid or district (a node claiming another place): refused.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await node.PublishAsync("citybrain/v1/harbour/g-0418/n-harbour-01/telemetry"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await node.PublishAsync("citybrain/v1/old-town/g-0417/n-harbour-01/telemetry"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await node.PublishAsync(H2 + "telemetry"));

        // Commands: not even to itself, nor to a neighbour.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await node.PublishAsync(H1 + "cmd"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await node.PublishAsync(H2 + "cmd"));

        // Another node's config never arrives, retained or not, even through a wildcard; its own does.
        await node.SubscribeAsync(H2 + "config");
        await node.SubscribeAsync("citybrain/v1/+/+/+/config");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await node.SubscribeAsync(H1 + "config"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await node.SubscribeAsync(H1 + "cmd"));
        await provisioning.PublishAcceptedAsync(H2 + "config", retain: true);
        await provisioning.PublishAcceptedAsync(H1 + "config", retain: true);
        await city.PublishAcceptedAsync(H1 + "cmd");
        await node.WaitForAsync(H1 + "config");
        await node.WaitForAsync(H1 + "cmd");
        Assert.DoesNotContain(H2 + "config", node.Received);
    }

    [Fact]
    public async Task Commands_OnlyConsumersInScope_MayPublishThem()
    {
        await using var broker = await StartAsync();
        await using var city = await RoleClient.ConnectAsync(broker, City);
        await using var centre = await RoleClient.ConnectAsync(broker, HarbourCentre);
        await using var office = await RoleClient.ConnectAsync(broker, QuayOffice);
        await using var provisioning = await RoleClient.ConnectAsync(broker, Provisioning);

        await city.PublishAcceptedAsync(O1 + "cmd");
        await centre.PublishAcceptedAsync(H3 + "cmd");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await centre.PublishAsync(O1 + "cmd"));
        await office.PublishAcceptedAsync(H1 + "cmd");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await office.PublishAsync(H3 + "cmd"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await provisioning.PublishAsync(H1 + "cmd"));

        // Consumers never write node data.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await centre.PublishAsync(H1 + "telemetry"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await city.PublishAsync(H1 + "telemetry"));
    }
}
