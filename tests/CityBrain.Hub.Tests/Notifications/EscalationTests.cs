using CityBrain.Hub.Alerts;
using CityBrain.Hub.Notifications;
using CityBrain.Hub.Tests.Alerts;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Hub.Tests.Notifications;

/// <summary>
/// An unacknowledged alert climbs grid → street → district → city on the rule's delays (FakeTimeProvider); an
/// acknowledgement stops it and is told to every level that heard of the alert; a restart repeats nothing.
/// </summary>
public sealed class EscalationTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("escalation");
    private readonly NotificationMetrics _metrics = new();
    private readonly NotificationQueue _queue;
    private readonly AlertHarness _h;
    private readonly NotificationOptions _options;
    private NotificationService _service;

    public EscalationTests()
    {
        _queue = new NotificationQueue(100, _metrics);
        _h = new AlertHarness(Start, _ => { }, [_queue], new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline, Severity = AlertSeverities.Critical });
        _options = new NotificationOptions { OutboxPath = _dir.Combine("outbox") };
        _options.Webhooks.AddRange(new[] { "grid-ops", "street-office", "district-centre", "city-brain" }.Select(id => new WebhookOptions { Id = id, Url = "http://127.0.0.1:9/" + id }));
        _options.Levels.Grid.Add("grid-ops");
        _options.Levels.Street.Add("street-office");
        _options.Levels.District.Add("district-centre");
        _options.Levels.City.Add("city-brain");
        _options.Escalation.Add(new EscalationOptions { Rule = "node-offline", Street = TimeSpan.FromMinutes(10), District = TimeSpan.FromMinutes(30), City = TimeSpan.FromHours(2) });
        _service = NewService();
    }

    [Fact]
    public void Options_AsConfiguredHere_AreValid() =>
        Assert.Empty(NotificationOptionsValidator.Check(_options, new HashSet<string> { "node-offline" }));

    [Fact]
    public async Task Unacknowledged_EscalatesLevelByLevel_AckStopsIt_AndReachesEveryLevelThatHeard()
    {
        await _service.OpenAsync(CancellationToken.None);
        string id = await RaiseOfflineAsync();
        Assert.Equal([$"{id}:raised:grid-ops"], Keys("grid-ops"));

        _h.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, await _service.EscalateAsync(CancellationToken.None));
        _h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await _service.EscalateAsync(CancellationToken.None));
        Assert.Equal([$"{id}:escalated:street:street-office"], Keys("street-office"));
        Assert.Empty(Keys("district-centre"));

        _h.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(1, await _service.EscalateAsync(CancellationToken.None));
        Assert.Equal([$"{id}:escalated:district:district-centre"], Keys("district-centre"));

        Assert.Equal(AckResult.Acknowledged, _h.Engine.Acknowledge(id, "alice"));
        Assert.Equal(3, await _service.DrainAsync(CancellationToken.None)); // grid, street, district
        _h.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, await _service.EscalateAsync(CancellationToken.None));

        Assert.Empty(Keys("city-brain"));
        Assert.Equal([$"{id}:escalated:street:street-office", $"{id}:acknowledged:street-office"], Keys("street-office"));
        Assert.Equal([$"{id}:raised:grid-ops", $"{id}:acknowledged:grid-ops"], Keys("grid-ops"));
        var ack = System.Text.Json.JsonSerializer.Deserialize(_service.Outbox!.PendingFor("district-centre")[1].Body, NotificationJsonContext.Default.NotificationMessage)!;
        Assert.Equal(("acknowledged", "district", "alice"), (ack.Event, ack.Level, ack.Alert.AckBy));
    }

    [Fact]
    public async Task OverdueAtOnce_EscalatesThroughEveryDueLevel_ThenNothingTwiceAfterARestart()
    {
        await _service.OpenAsync(CancellationToken.None);
        string id = await RaiseOfflineAsync();
        _h.Advance(TimeSpan.FromHours(2));
        Assert.Equal(3, await _service.EscalateAsync(CancellationToken.None));
        int pending = _service.Outbox!.PendingCount;

        // Restart: a new service on the same outbox and the same active alert.
        await _service.Outbox.DisposeAsync();
        _service = NewService();
        await _service.OpenAsync(CancellationToken.None);
        Assert.Equal(pending, _service.Outbox!.PendingCount);
        Assert.Equal(0, await _service.EscalateAsync(CancellationToken.None));
        Assert.Equal(0, await _service.DrainAsync(CancellationToken.None));
        Assert.Equal([$"{id}:escalated:city:city-brain"], Keys("city-brain"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_service.Outbox is { } outbox)
        {
            await outbox.DisposeAsync();
        }

        _h.Dispose();
        _metrics.Dispose();
        _dir.Dispose();
    }

    private NotificationService NewService() => new(
        _options, "hub-a", [.. _options.Webhooks.Select(w => new WebhookChannel(w))], _queue, _h.Engine, _metrics, _h.Time, NullLogger.Instance);

    private async Task<string> RaiseOfflineAsync()
    {
        var node = new NodeMessages("centre", "c4", "node-1");
        _h.Observer.OnStatus(node.Topic("status"), node.Online(_h.Now), _h.Now);
        _h.Observer.OnStatus(node.Topic("status"), node.Offline(_h.Now), _h.Now);
        _h.Advance(TimeSpan.Zero);
        var alert = Assert.Single(_h.Engine.GetActive());
        Assert.Equal(1, await _service.DrainAsync(CancellationToken.None));
        return alert.Id;
    }

    private List<string> Keys(string channel) => [.. _service.Outbox!.PendingFor(channel).Select(e => e.Key)];
}
