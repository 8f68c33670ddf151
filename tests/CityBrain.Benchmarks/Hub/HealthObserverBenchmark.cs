using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Options;

namespace CityBrain.Benchmarks.Hub;

/// <summary>
/// Readings per second through the health registry and the alert engine (the ingest's observer), with threshold
/// rules on the quantities fed; then the cost of one full snapshot for the operators' view (time and JSON size).
/// Args: [nodes=1000] [seconds=5] [threads=2].
/// </summary>
public sealed class HealthObserverBenchmark : IBenchmark
{
    public string Name => "hub-observer";

    public string Description => "health registry + alert rules: readings/s on the ingest path, view snapshot cost";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int nodes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        var time = TimeProvider.System;
        using var metrics = new HealthMetrics();
        var registry = new HealthRegistry(Options.Create(new HealthRegistryOptions()), time, metrics);
        var options = new AlertOptions();
        options.Rules.Add(new AlertRuleOptions { Id = "bin-full", Kind = AlertKinds.Threshold, Quantity = "fill_level", Above = 90, Clear = 80, For = TimeSpan.FromMinutes(5) });
        options.Rules.Add(new AlertRuleOptions { Id = "pm25", Kind = AlertKinds.Threshold, Quantity = "pm2_5", Above = 75, Clear = 60, For = TimeSpan.FromMinutes(10) });
        options.Rules.Add(new AlertRuleOptions { Id = "stale", Kind = AlertKinds.Stale });
        options.Rules.Add(new AlertRuleOptions { Id = "offline", Kind = AlertKinds.Offline });
        var queue = new AlertPublishQueue(Options.Create(options), metrics);
        var engine = new AlertEngine(Options.Create(options), registry, queue, metrics, time);
        var observer = new HealthAndAlertsObserver(registry, engine);
        var topics = Enumerable.Range(0, nodes).Select(i => new NodeTopic($"d{i % 10}", $"g{i % 50}", $"node-{i}", Topics.Telemetry)).ToArray();

        long total = 0;
        var stopwatch = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            long seq = 0, count = 0;
            var random = new Random(t);
            while (stopwatch.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
            {
                // Each worker owns a slice of the nodes (as a shared subscription would split them).
                var topic = topics[(random.Next(nodes / threads) * threads) + t];
                var now = time.GetUtcNow();
                var readings = new List<SequencedReading>(50);
                for (int i = 0; i < 25; i++)
                {
                    readings.Add(new SequencedReading(seq++, new Reading($"bin-{i % 4}", "fill_level", random.Next(0, 100), "%", now)));
                    readings.Add(new SequencedReading(seq++, new Reading("air", "pm2_5", random.Next(0, 100), "ug/m3", now)));
                }

                observer.OnTelemetry(topic, new TelemetryMessage(topic.Node, now, readings), now);
                count += readings.Count;
            }

            Interlocked.Add(ref total, count);
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        double elapsed = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"observer: {total / elapsed:N0} readings/s ({threads} threads, {nodes} nodes, batches of 50)");

        var tick = Stopwatch.StartNew();
        engine.Evaluate();
        Console.WriteLine($"alert tick: {tick.Elapsed.TotalMilliseconds:N1} ms, {engine.GetActive().Count} active alerts");

        var snap = Stopwatch.StartNew();
        var full = registry.GetNodes(sparklines: true);
        byte[] fullJson = JsonSerializer.SerializeToUtf8Bytes(full);
        double fullMs = snap.Elapsed.TotalMilliseconds;
        snap.Restart();
        byte[] liteJson = JsonSerializer.SerializeToUtf8Bytes(registry.GetNodes(sparklines: false));
        Console.WriteLine($"view snapshot: with sparklines {fullMs:N1} ms {fullJson.Length / 1024.0:N0} KiB; without {snap.Elapsed.TotalMilliseconds:N1} ms {liteJson.Length / 1024.0:N0} KiB");
        return 0;
    }
}
