using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Tests.Alerts;

public sealed class AlertPersistenceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("alert-snapshot");

    public void Dispose() => _dir.Dispose();

    private HealthPersistenceService Persistence(AlertHarness h) =>
        new(h.Registry, Options.Create(new HealthRegistryOptions { SnapshotPath = _dir.Combine("registry.json") }), h.Time,
            NullLogger<HealthPersistenceService>.Instance, [new AlertSnapshot(h.Engine)]);

    private static AlertRuleOptions OfflineRule() => new() { Id = "node-offline", Kind = AlertKinds.Offline };

    [Fact]
    public async Task Restart_ActiveAlertSurvivesAndClearsWithItsIdOnceTheNodeIsBack()
    {
        var node = new NodeMessages("centre", "c4", "node-1");
        string id;
        using (var before = new AlertHarness(Start, rules: OfflineRule()))
        {
            before.Observer.OnStatus(node.Topic("status"), node.Online(before.Now), before.Now);
            before.Observer.OnStatus(node.Topic("status"), node.Offline(Start), before.Now);
            id = Assert.Single(before.Engine.GetActive()).Id;
            await Persistence(before).StopAsync(CancellationToken.None);
        }

        using var after = new AlertHarness(Start.AddMinutes(10), rules: OfflineRule());
        await Persistence(after).StartAsync(CancellationToken.None);
        after.Engine.Evaluate();
        Assert.Equal(id, Assert.Single(after.Engine.GetActive()).Id);
        Assert.Empty(after.Published());

        node.Boot = "boot-2";
        after.Observer.OnStatus(node.Topic("status"), node.Online(after.Now), after.Now);

        Assert.Empty(after.Engine.GetActive());
        var cleared = Assert.Single(after.Published());
        Assert.Equal((id, AlertStates.Cleared), (cleared.Id, cleared.State));
    }

    [Fact]
    public async Task Restart_AlertOfARemovedRule_IsClearedAtOnce()
    {
        var node = new NodeMessages("centre", "c4", "node-1");
        using (var before = new AlertHarness(Start, rules: OfflineRule()))
        {
            before.Observer.OnStatus(node.Topic("status"), node.Offline(Start), before.Now);
            Assert.Single(before.Engine.GetActive());
            await Persistence(before).StopAsync(CancellationToken.None);
        }

        using var after = new AlertHarness(Start, rules: new AlertRuleOptions { Id = "sensor-stale", Kind = AlertKinds.Stale });
        await Persistence(after).StartAsync(CancellationToken.None);

        Assert.Empty(after.Engine.GetActive());
        Assert.Equal(("node-offline", AlertStates.Cleared), Assert.Single(after.Published()) is var a ? (a.Rule, a.State) : default);
    }

    [Fact]
    public void RepublishActive_QueuesEveryActiveAlertAgain()
    {
        using var h = new AlertHarness(Start, rules: OfflineRule());
        foreach (string id in new[] { "a", "b" })
        {
            var n = new NodeMessages("centre", "c4", id);
            h.Observer.OnStatus(n.Topic("status"), n.Offline(Start), h.Now);
        }

        h.Published();

        Assert.Equal(2, h.Engine.RepublishActive());
        Assert.Equal(["a", "b"], h.Published().Select(a => a.Node).Order());
    }
}
