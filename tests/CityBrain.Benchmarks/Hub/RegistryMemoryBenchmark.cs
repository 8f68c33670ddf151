using System.Globalization;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Benchmarks.Hub;

/// <summary>
/// What the health registry costs in memory: the live bytes per sensor-quantity once every sensor has an hour of
/// sparkline, and the peak extra heap of the periodic work on it (the alert tick with stale/offline/gap rules, the
/// snapshot save, one view of every node). Messages are decoded by <see cref="TelemetryCodec"/> from the same payloads
/// the hub benchmark sends, so strings are shared as in the hub. The hub's peak RSS is its heap cap plus ~26 MB, and
/// the heap cap has to hold this registry: the figures here say how much of it is left for the load.
/// Args: [nodes=500] [sensors=100] [minutes=60] [copy the snapshot file to this path, e.g. to start a hub from it].
/// </summary>
public sealed class RegistryMemoryBenchmark : IBenchmark
{
    public string Name => "hub-registry";

    public string Description => "health registry memory: live bytes per sensor-quantity, peak heap of alert tick, view, snapshot";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int nodes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        int sensors = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        int minutes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 60;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-minutes));
        string[] ids = [.. Enumerable.Range(0, sensors).Select(i => $"s{i:D3}")];
        var templates = Enumerable.Range(0, nodes).Select(n => PayloadTemplate.Create($"n{n:D4}", "pm2_5", ids)).ToArray();
        var topics = Enumerable.Range(0, nodes).Select(n => new NodeTopic($"d{n % 10}", $"g{n % 50}", $"n{n:D4}", Topics.Telemetry)).ToArray();
        byte[] payload = new byte[templates.Max(t => t.Length)];

        long baseline = Live();
        using var metrics = new HealthMetrics();
        var registry = new HealthRegistry(Options.Create(new HealthRegistryOptions { MaxQuantities = Math.Max(new HealthRegistryOptions().MaxQuantities, nodes * sensors) }), time, metrics);
        var options = new AlertOptions();
        options.Rules.Add(new AlertRuleOptions { Id = "pm25", Kind = AlertKinds.Threshold, Quantity = "pm2_5", Above = 75, Clear = 60, For = TimeSpan.FromMinutes(10) });
        options.Rules.Add(new AlertRuleOptions { Id = "stale", Kind = AlertKinds.Stale });
        options.Rules.Add(new AlertRuleOptions { Id = "offline", Kind = AlertKinds.Offline });
        options.Rules.Add(new AlertRuleOptions { Id = "gap", Kind = AlertKinds.Gap, After = TimeSpan.FromMinutes(5) });
        var queue = new AlertPublishQueue(Options.Create(options), metrics);
        var engine = new AlertEngine(Options.Create(options), registry, queue, metrics, time);

        // The registry alone first (an hour of minutes), then the alert engine on the last minute's messages.
        long seq = 0;
        for (int minute = 0; minute <= minutes; minute++)
        {
            if (minute == minutes)
            {
                long registryBytes = Live() - baseline;
                Console.WriteLine($"registry: {nodes} nodes x {sensors} sensors, {minutes} min of sparklines: {registryBytes / 1048576.0:N1} MiB = {registryBytes / (double)(nodes * sensors):N0} B per sensor-quantity");
                baseline += registryBytes;
            }

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (int n = 0; n < nodes; n++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var now = time.GetUtcNow();
                templates[n].RenderInto(payload, seq, now.ToUnixTimeMilliseconds());
                if (!TelemetryCodec.TryRead(payload.AsSpan(0, templates[n].Length), out var message, out var violation))
                {
                    throw new InvalidOperationException($"template of node {n} does not decode: {violation}");
                }

                if (minute < minutes)
                {
                    registry.OnTelemetry(topics[n], message!, now);
                }
                else
                {
                    engine.OnTelemetry(topics[n], message!, now);
                }
            }

            if (minute == 0)
            {
                Console.WriteLine($"first message of every node (decoding included): {(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1048576.0:N1} MiB allocated");
            }

            seq += sensors;
            if (minute < minutes - 1)
            {
                time.Advance(TimeSpan.FromMinutes(1));
            }
        }

        engine.Evaluate(); // the first tick: the conditions it keeps are part of the steady state
        long engineBytes = Live() - baseline;
        Console.WriteLine($"alert engine (threshold rule on every quantity, stale rule on every sensor): {engineBytes / 1048576.0:N1} MiB = {engineBytes / (double)(nodes * sensors):N0} B per sensor-quantity");

        Console.WriteLine($"alert tick (threshold, stale, offline, gap rules): {Allocated(engine.Evaluate) / 1048576.0:N1} MiB allocated");
        Console.WriteLine($"all nodes' views without sparklines: {Allocated(() => GC.KeepAlive(registry.GetNodes(sparklines: false))) / 1048576.0:N1} MiB allocated");
        Console.WriteLine($"all nodes' views with sparklines: {Allocated(() => GC.KeepAlive(registry.GetNodes(sparklines: true))) / 1048576.0:N1} MiB allocated");
        using var dir = new CityBrain.Testing.Servers.TempDirectory("registry-bench");
        var store = new HealthSnapshotStore(dir.Combine("snapshot.json"));
        long before = GC.GetTotalAllocatedBytes(precise: true); // process-wide: the save resumes on other threads
        var alerts = new AlertSnapshot(engine);
        await store.SaveAsync(new HealthSnapshotFile { SavedAt = time.GetUtcNow(), Nodes = registry.EnumerateNodes(), Sections = { [alerts.Section] = alerts.Save() } }, cancellationToken);
        Console.WriteLine($"snapshot save: {(GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576.0:N1} MiB allocated (streamed node by node), file {new FileInfo(store.Path).Length / 1048576.0:N1} MiB");
        // A restart: the snapshot read back node by node into a new registry.
        using var freshMetrics = new HealthMetrics();
        var fresh = new HealthRegistry(Options.Create(new HealthRegistryOptions { MaxQuantities = Math.Max(new HealthRegistryOptions().MaxQuantities, nodes * sensors) }), time, freshMetrics);
        int restored = 0;
        before = GC.GetTotalAllocatedBytes(precise: true);
        await store.LoadAsync(view => restored += fresh.Restore([view]), cancellationToken);
        Console.WriteLine($"snapshot load into a new registry: {restored} nodes, {(GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576.0:N1} MiB allocated (node by node)");
        if (args.Length > 3)
        {
            File.Copy(store.Path, args[3], overwrite: true);
            Console.WriteLine($"snapshot copied to {args[3]}");
        }

        GC.KeepAlive(fresh);
        GC.KeepAlive(registry);
        GC.KeepAlive(templates);
        return 0;
    }

    private static long Live()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
