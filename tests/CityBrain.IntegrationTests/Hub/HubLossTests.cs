using System.Globalization;
using CityBrain.Testing;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// Lossless ingest under load with real Mosquitto and real InfluxDB-API servers: a database outage, a SIGKILLed hub,
/// and a killed member of a shared subscription. Every published reading must be stored (reconciled by seq).
/// The outage lasts CITYBRAIN_LOSS_OUTAGE_SECONDS (default 60 s, as the issue asks).
/// </summary>
[Trait("Category", "Integration")]
public sealed class HubLossTests
{
    private const int Nodes = 4;
    private const int ReadingsPerMessage = 10;
    private const double MessagesPerSecond = 100;
    private readonly ITestOutputHelper _output;

    public HubLossTests(ITestOutputHelper output) => _output = output;

    private static TimeSpan Outage => TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("CITYBRAIN_LOSS_OUTAGE_SECONDS"), CultureInfo.InvariantCulture, out int s) ? s : 60);

    [Fact]
    public async Task InfluxV1_StoppedUnderLoad_ThenRestarted_EveryReadingIsStored()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-outage-v1", [HubConfig.InfluxV1(influx.Url, "citybrain")]));
        await RunOutageAsync("InfluxDB 1.x", broker, hub, "outage_v1", influx.StopAsync, influx.StartProcessAsync,
            q => Reconcile.FromInfluxAsync(influx, "citybrain", q, Nodes));
    }

    [Fact]
    public async Task VictoriaMetrics_StoppedUnderLoad_ThenRestarted_EveryReadingIsStored()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var vm = await VictoriaMetricsServer.StartAsync();
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-outage-vm", [HubConfig.VictoriaMetrics(vm.Url)]));
        await RunOutageAsync("VictoriaMetrics", broker, hub, "outage_vm", vm.StopAsync, vm.StartProcessAsync,
            q => Reconcile.FromVictoriaMetricsAsync(vm, q, Nodes));
    }

    private async Task RunOutageAsync(
        string database, MosquittoServer broker, InProcessHub hub, string q, Func<Task> stop, Func<Task> start, Func<string, Task<HashSet<long>[]>> read)
    {
        await using var load = await LoadGenerator.StartAsync(broker.Port, q, Nodes, ReadingsPerMessage, MessagesPerSecond);
        await Poll.UntilAsync(() => hub.Statistics.MessagesWritten > 0, TimeSpan.FromSeconds(20), "points are written before the outage");
        await stop();
        long atStop = load.PublishedTotal;
        await Task.Delay(Outage); // the outage itself, under load
        long duringOutage = load.PublishedTotal - atStop;
        await start();
        await Task.Delay(TimeSpan.FromSeconds(2)); // keep the load on while the backlog drains
        await load.StopAsync();

        HashSet<long>[] stored = [];
        await Poll.UntilAsync(
            async () => (stored = await read(q)).Sum(s => s.Count) >= load.PublishedTotal,
            TimeSpan.FromSeconds(90),
            $"all {load.PublishedTotal} readings are in {database}",
            () => $"stats: {System.Text.Json.JsonSerializer.Serialize(hub.Statistics)}");
        _output.WriteLine($"{database} down for {Outage.TotalSeconds:0} s under load; {duringOutage} readings published meanwhile; write retries {hub.Statistics.WriteRetries}");
        Assert.Equal(0, Reconcile.Report(_output, "reconciliation by seq:", load, stored));
        Assert.True(hub.Statistics.WriteRetries > 0, "the outage was not noticed by the writer");
    }

    [Fact]
    public async Task Hub_KilledUnderLoad_AndRestarted_EveryReadingIsStored()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        const string q = "hub_kill";
        await using var hub = await HubProcess.StartAsync(http => HubConfig.Json(broker.Port, "hub-kill", [HubConfig.InfluxV1(influx.Url, "citybrain")], httpPort: http));
        await using var load = await LoadGenerator.StartAsync(broker.Port, q, Nodes, ReadingsPerMessage, MessagesPerSecond);

        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", q) > 0, TimeSpan.FromSeconds(20), "points are written before the kill");
        await hub.KillAsync();
        long atKill = await influx.CountAsync("citybrain", q);
        await Task.Delay(TimeSpan.FromSeconds(3)); // load goes on while no hub runs
        await hub.StartProcessAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await load.StopAsync();

        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", q) >= load.PublishedTotal, TimeSpan.FromSeconds(60),
            $"all {load.PublishedTotal} readings are in InfluxDB", hub.Tail);
        var stored = await Reconcile.FromInfluxAsync(influx, "citybrain", q, Nodes);
        _output.WriteLine($"hub SIGKILLed with {atKill} points stored; restarted after 3 s");
        Assert.Equal(0, Reconcile.Report(_output, "reconciliation by seq:", load, stored));

        // A normal stop (SIGTERM, as systemd does) ends cleanly: exit 0, not a crash in shutdown code.
        int? exitCode = await hub.StopAsync();
        Assert.True(exitCode == 0, $"citybrain-hub exited with {exitCode?.ToString() ?? "no code (killed after 10 s)"} on SIGTERM: {hub.Tail()}");
    }

    [Fact]
    public async Task SharedSubscription_TwoHubs_OneKilled_EveryReadingIsStored_BothSeeAllStatus()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        const string q = "shared_kill";
        await using var hubA = await HubProcess.StartAsync(http => SharedMemberJson(broker, influx, "hub-a", http));
        await using var hubB = await HubProcess.StartAsync(http => SharedMemberJson(broker, influx, "hub-b", http));

        // Status goes to every instance (per-instance subscription), not to one member of the share.
        await using (var node = await TestMqtt.ConnectAsync(broker.Port, "status-node"))
        {
            for (int i = 0; i < 3; i++)
            {
                await node.PublishAsync($"citybrain/v1/d01/g01/st-{i}/status", System.Text.Encoding.UTF8.GetBytes($$"""{"v":1,"node":"st-{{i}}","state":"online","ts":1}"""));
            }
        }

        foreach (var h in new[] { hubA, hubB })
        {
            await Poll.UntilAsync(async () => (await h.StatsAsync()).GetProperty("messagesReceived").GetInt64() == 3, TimeSpan.FromSeconds(10), "each hub received all 3 status messages");
        }

        await using var load = await LoadGenerator.StartAsync(broker.Port, q, Nodes, ReadingsPerMessage, MessagesPerSecond);
        await Poll.UntilAsync(async () => await hubA.MessagesWrittenAsync() > 0 && await hubB.MessagesWrittenAsync() > 0, TimeSpan.FromSeconds(20), "both hubs write their share");
        long aBefore = await hubA.MessagesWrittenAsync();
        await hubB.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        long aDuring = await hubA.MessagesWrittenAsync() - aBefore;
        await hubB.StartProcessAsync(); // its session holds what was in flight to it
        await Task.Delay(TimeSpan.FromSeconds(2));
        await load.StopAsync();

        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", q) >= load.PublishedTotal, TimeSpan.FromSeconds(60),
            $"all {load.PublishedTotal} readings are in InfluxDB", () => hubA.Tail() + hubB.Tail());
        var stored = await Reconcile.FromInfluxAsync(influx, "citybrain", q, Nodes);
        _output.WriteLine($"hub-b SIGKILLed; hub-a wrote {aDuring} messages in the 3 s hub-b was down; hub-b restarted");
        _output.WriteLine($"hub-a wrote {await hubA.MessagesWrittenAsync()} messages, hub-b (since restart) {await hubB.MessagesWrittenAsync()}");
        Assert.Equal(0, Reconcile.Report(_output, "reconciliation by seq:", load, stored));
        Assert.True(aDuring > 0, "hub-a did not carry the load while hub-b was down");
    }

    /// <remarks>
    /// Mosquitto (2.0.11) goes on routing a shared subscription's messages to a member whose session lives on after
    /// its connection died: with hub-b gone, about half of the telemetry is queued in hub-b's session (8 days) and
    /// nothing stores it. Measured: 2,630 of 6,830 readings in 5 s. Nothing is lost while that session lives, but
    /// nothing reaches the database until an instance with hub-b's identity connects: here a replacement started
    /// elsewhere (another folder: another machine) with hub-b's configuration drains it.
    /// </remarks>
    [Fact]
    public async Task SharedSubscription_MemberKilledAndNeverReturns_ItsReplacementDrainsItsSession_EveryReadingIsStored()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        const string q = "shared_gone";
        await using var hubA = await HubProcess.StartAsync(http => SharedMemberJson(broker, influx, "hub-a", http));
        var hubB = await HubProcess.StartAsync(http => SharedMemberJson(broker, influx, "hub-b", http));
        await using var load = await LoadGenerator.StartAsync(broker.Port, q, Nodes, ReadingsPerMessage, MessagesPerSecond);
        await Poll.UntilAsync(async () => await hubA.MessagesWrittenAsync() > 0 && await hubB.MessagesWrittenAsync() > 0, TimeSpan.FromSeconds(20), "both hubs write their share");

        await hubB.KillAsync(); // and its machine is gone for good
        await hubB.DisposeAsync();
        long atKill = load.PublishedTotal;
        await Task.Delay(TimeSpan.FromSeconds(5)); // load goes on with one member left
        await load.StopAsync();

        // What the remaining member stores on its own, once it has nothing more to write.
        long storedByA = -1, previous;
        do
        {
            previous = storedByA;
            await Task.Delay(TimeSpan.FromSeconds(2));
            storedByA = await influx.CountAsync("citybrain", q);
        }
        while (storedByA != previous);

        long stranded = Reconcile.Report(_output, "hub-b gone, hub-a alone:", load, await Reconcile.FromInfluxAsync(influx, "citybrain", q, Nodes));
        _output.WriteLine($"published {load.PublishedTotal} ({atKill} before the kill); stored by hub-a alone {storedByA}; waiting in hub-b's session {stranded}");

        // A replacement with hub-b's identity (its own folder: nothing of the dead process is reused).
        await using var replacement = await HubProcess.StartAsync(http => SharedMemberJson(broker, influx, "hub-b", http));
        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", q) >= load.PublishedTotal, TimeSpan.FromSeconds(60),
            $"all {load.PublishedTotal} readings are in InfluxDB", () => hubA.Tail() + replacement.Tail());
        Assert.Equal(0, Reconcile.Report(_output, "after the replacement drained hub-b's session:", load, await Reconcile.FromInfluxAsync(influx, "citybrain", q, Nodes)));
        long drained = await replacement.MessagesWrittenAsync() * ReadingsPerMessage;
        Assert.True(stranded > 0 && drained >= stranded, $"hub-b's session held {stranded} unstored readings; the replacement wrote {drained}");
    }

    /// <summary>hub.json of a member of the shared subscription group citybrain-hub, writing to InfluxDB 1.x.</summary>
    private static string SharedMemberJson(MosquittoServer broker, InfluxDb1Server influx, string id, int http) =>
        HubConfig.Json(broker.Port, id, [HubConfig.InfluxV1(influx.Url, "citybrain")], sharedGroup: "citybrain-hub", httpPort: http);
}
