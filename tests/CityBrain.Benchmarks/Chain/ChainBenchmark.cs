using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CityBrain.Benchmarks.Edge;
using CityBrain.Benchmarks.Hub;
using CityBrain.Testing;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;

namespace CityBrain.Benchmarks.Chain;

/// <summary>
/// The whole chain under load (issue 16): a Modbus TCP simulator in its own process (<see cref="ModbusSimCommand"/>,
/// counting the requests it answers) → citybrain-edge (disk buffer, group commit, deployed publish defaults: batches
/// of ≤ 500 readings or 100 ms) → a real Mosquitto → citybrain-hub (deployed batching) → VictoriaMetrics. Edge and hub
/// run as separate processes with the environment of their systemd units. Each workload starts everything afresh,
/// warms up, then measures a window: polls offered (configured), made (the simulator's counter), stored (samples with
/// a source timestamp in the window counted in VictoriaMetrics, / points per poll), latency from the poll (the
/// reading's source timestamp) to the hub's write acknowledged, the per-hop budget (the hub's per-reading histograms
/// on /ingest/stats, the node's poll → PUBACK from its health), CPU and peak RSS of every process.
/// Args: [--seconds N] (window per workload, default 20) [--warmup N] (default 5) [--only 8x10|8x20|4x5]
/// [--edge PATH] [--hub PATH] (bench/chain.sh passes the NativeAOT publishes).
/// </summary>
public sealed class ChainBenchmark : IBenchmark
{
    /// <summary>One FC03 of 26 holding registers gives 20 readings.</summary>
    public const string Template = "street-cabinet-monitor-sc20";

    private const int ReadingsPerPoll = 20;

    private static readonly (string Name, int Connections, int Units, int IntervalMs)[] Workloads =
    [
        ("8x10", 8, 10, 10),
        ("8x20", 8, 20, 10),
        ("4x5", 4, 5, 100),
    ];

    public string Name => "chain";

    public string Description => "whole chain: Modbus TCP simulator -> edge -> Mosquitto -> hub -> VictoriaMetrics (polls made/stored, latency poll -> write ack, per hop, CPU, RSS)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int seconds = int.Parse(Arg(args, "--seconds") ?? "20", CultureInfo.InvariantCulture);
        int warmup = int.Parse(Arg(args, "--warmup") ?? "5", CultureInfo.InvariantCulture);
        string only = Arg(args, "--only") ?? "all";
        string edgeExe = Arg(args, "--edge") ?? Sibling("edge", "CityBrain.Edge.Service", "citybrain-edge");
        string hubExe = Arg(args, "--hub") ?? Sibling("hub", "CityBrain.Hub.Service", "citybrain-hub");
        foreach (string exe in new[] { edgeExe, hubExe })
        {
            if (!File.Exists(exe))
            {
                Console.Error.WriteLine($"{exe} is not built: run bench/chain.sh (it publishes the NativeAOT binaries)");
                return 2;
            }
        }

        var edgeEnv = Environment("citybrain-edge.service");
        var hubEnv = Environment("citybrain-hub.service");
        Console.WriteLine($"chain benchmark: {System.Environment.ProcessorCount} cores (shared: simulator, edge, Mosquitto, hub, VictoriaMetrics and this process all on them), {seconds} s window after {warmup} s warm-up per workload");
        Console.WriteLine($"  citybrain-edge {Build(edgeExe)} ({edgeExe}): {Describe(edgeEnv)}; disk buffer fsync=group, publish defaults (maxBatchReadings 500, maxBatchDelayMs 100, maxInFlight 8, shedAfterMs 100), deliveryAck hub as shipped");
        Console.WriteLine($"  citybrain-hub {Build(hubExe)} ({hubExe}): {Describe(hubEnv)}; batching of deploy/hub.example.json, VictoriaMetrics sink (influx-v2, 4 writers)");
        Console.WriteLine($"  device: {Template}, one FC03 of 26 holding registers = {ReadingsPerPoll} readings per poll; each TCP connection is one bus of the edge");
        foreach (var workload in Workloads.Where(w => only is "all" || only == w.Name))
        {
            await RunWorkloadAsync(workload, edgeExe, edgeEnv, hubExe, hubEnv, seconds, warmup, cancellationToken);
        }

        return 0;
    }

    private static async Task RunWorkloadAsync(
        (string Name, int Connections, int Units, int IntervalMs) w, string edgeExe, Dictionary<string, string?> edgeEnv, string hubExe, Dictionary<string, string?> hubEnv,
        int seconds, int warmup, CancellationToken ct)
    {
        Console.WriteLine();
        double offeredPerSecond = w.Connections * w.Units * 1000.0 / w.IntervalMs;
        Console.WriteLine($"== {w.Name}: {w.Connections} TCP connections x {w.Units} units every {w.IntervalMs} ms ({F(offeredPerSecond)} polls/s, {F(offeredPerSecond * ReadingsPerPoll)} readings/s offered) ==");
        string nodeId = "n-chain-" + w.Name;
        await using var vm = await VictoriaMetricsServer.StartAsync();
        await using var broker = await MosquittoServer.StartAsync("max_inflight_messages 2000\nmax_queued_messages 5000000\nautosave_interval 30\n");
        await using var sim = await ModbusSimProcess.StartAsync(Template, w.Units, ct);
        var sink = new { kind = "influx-v2", url = vm.Url, org = "city", bucket = "citybrain", token = "x", writers = 4 };
        await using var hub = await BenchHub.StartAsync(hubExe, broker.Port, sink, "hub-chain-" + w.Name, ct, hubEnv, DeployedBatching());
        using var dir = new TempDirectory("chain-bench");
        string config = dir.Combine("node.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            version = 1,
            node = new { id = nodeId, location = new { city = "metropolis", district = "bench", street = "bench-road", grid = "g-0001" } },
            mqtt = new { host = "127.0.0.1", port = broker.Port, reconnectMinSeconds = 0.2, reconnectMaxSeconds = 1, connectTimeoutSeconds = 5, publishTimeoutSeconds = 10 },
            buffer = new { kind = "disk", path = dir.Combine("buffer"), maxMegabytes = 1024, fsync = "group" },
            publish = new { healthIntervalSeconds = 1, deliveryAck = "hub" }, // as shipped (deploy/edge/node.example.json)
            sensors = Enumerable.Range(0, w.Connections).SelectMany(b => Enumerable.Range(1, w.Units).Select(unit =>
                (object)new { id = $"sc-{b}-{unit:D2}", driver = "modbus", bus = $"plc-{b}", unit, template = Template, intervalMs = w.IntervalMs, timeoutMs = 2000 })).ToList(),
            buses = Enumerable.Range(0, w.Connections).Select(b => new { id = $"plc-{b}", kind = "modbus-tcp", host = "127.0.0.1", port = sim.Port, timeoutMs = 1000, turnaroundMs = 0 }).ToArray(),
        }), ct);
        await using var health = await MqttCollector.StartAsync(broker.Host, broker.Port, $"citybrain/v1/bench/g-0001/{nodeId}/health");
        await using var edge = ServerProcess.Start("citybrain-edge", edgeExe, ["--config", config], dir.Path, "(build edge/CityBrain.Edge.Service)", edgeEnv);
        try
        {
            await EdgeBenchmark.WaitAsync(() => EdgeBenchmark.Latest(health) is { } h && h.GetProperty("publish").GetProperty("readings").GetInt64() > 0, TimeSpan.FromSeconds(60), edge, "first readings published");
            await Task.Delay(TimeSpan.FromSeconds(warmup), ct);

            // The window.
            int skip = health.Messages.Count;
            var cpu0 = ProcessCpu.Snapshot();
            long requests0 = await sim.RequestsAsync(ct);
            var stats0 = await hub.StatsAsync(ct);
            long t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var sw = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
            long requests1 = await sim.RequestsAsync(ct);
            var stats1 = await hub.StatsAsync(ct);
            long t1 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var cpu1 = ProcessCpu.Snapshot();
            double dt = sw.Elapsed.TotalSeconds;
            var window = health.Messages.Skip(skip).Select(m => JsonDocument.Parse(m.Payload).RootElement.Clone()).ToList();
            var peaks = PeakRss();

            // Readings polled in the window that reach the database after it are stored, not lost: wait until the count settles.
            var (stored, settled) = await StoredAsync(vm, nodeId, t0, t1, ct);

            double offered = offeredPerSecond * (t1 - t0) / 1000.0;
            long made = requests1 - requests0;
            double storedPolls = stored / (double)ReadingsPerPoll;
            long Sensors(JsonElement h, string field) => h.GetProperty("sensors").EnumerateArray().Sum(s => s.GetProperty(field).GetInt64());
            long overruns = window.Count > 1 ? Sensors(window[^1], "overruns") - Sensors(window[0], "overruns") : 0;
            long faults = window.Count > 1 ? Sensors(window[^1], "faults") - Sensors(window[0], "faults") : 0;
            Console.WriteLine($"  polls in the {(t1 - t0) / 1000.0:F1} s window: offered {F(offered)} ({F(offered / dt)}/s) / made {F(made)} ({F(made / dt)}/s, {100.0 * made / offered:F1}% of offered; simulator's request counter) / stored {F(storedPolls)} ({F(storedPolls / dt)}/s; {F(stored)} samples in VictoriaMetrics{(settled ? "" : ", STILL GROWING after 60 s")})");
            Console.WriteLine($"  loss (made - stored): {F(made - storedPolls)} polls ({100.0 * (made - storedPolls) / Math.Max(1, made):F2}%; window edges count up to one poll per unit either way); edge overruns {F(overruns)}, faults {F(faults)}; buffer backlog at the end {F(window.Count > 0 ? window[^1].GetProperty("buffer").GetProperty("readings").GetInt64() : 0)} readings");

            var hops = LatencyWindow.Between(stats0, stats1);
            LatencyWindow Hop(string stage) => hops.TryGetValue(stage, out var h) ? h : throw new InvalidOperationException($"the hub's stats have no stage {stage}");
            Console.WriteLine($"  latency poll -> database write acknowledged, p50 / p95 / p99 / max: {Hop("poll_to_ack").Describe("readings acknowledged in the window")}");
            Console.WriteLine("  per hop (cumulative from the poll, per reading unless said; p50 / p95 / p99 / max):");
            Console.WriteLine($"    poll -> edge publish starts (message 'sent': intake, buffer append + group commit, publisher batch wait): {Hop("poll_to_sent").Describe("readings")}");
            var p50s = window.Select(h => h.GetProperty("publish").GetProperty("latencyP50Ms").GetDouble()).Order().ToList();
            var p99s = window.Select(h => h.GetProperty("publish").GetProperty("latencyP99Ms").GetDouble()).Order().ToList();
            Console.WriteLine($"    poll -> PUBACK at the edge (the node's health, per 1 s): p50 {(p50s.Count > 0 ? p50s[p50s.Count / 2] : 0):F0} ms (median of seconds), p99 {(p99s.Count > 0 ? p99s[p99s.Count / 2] : 0):F0} ms median / {(p99s.Count > 0 ? p99s[^1] : 0):F0} ms worst second");
            Console.WriteLine($"    edge publish starts -> hub batcher takes the message (PUBACK, broker, hub receive window, hub queue; per message): {Hop("sent_to_batch").Describe("messages")}");
            Console.WriteLine($"    poll -> hub batcher: {Hop("poll_to_batch").Describe("readings")}");
            Console.WriteLine($"    poll -> every sink accepted (hub batch of <= 5,000 lines or 100 ms, VictoriaMetrics write): {Hop("poll_to_ack").Describe("readings")}");

            var cpu = cpu1.Select(kv => (kv.Key, Cores: (kv.Value - cpu0.GetValueOrDefault(kv.Key)) / dt)).OrderByDescending(p => p.Cores);
            Console.WriteLine($"  CPU (cores, of {System.Environment.ProcessorCount}; 'dotnet' is the simulator, 'load generator' this process: health subscriber, stats): {string.Join(", ", cpu.Select(p => $"{p.Key} {p.Cores:F2}"))}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Console.WriteLine($"  peak RSS (VmHWM): {string.Join(", ", peaks.Select(p => $"{p.Key} {p.Value / 1024.0:F1} MB"))}");
        }
        finally
        {
            await edge.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Samples of the node whose source timestamp is in (t0, t1], once two counts 1 s apart agree (at most 60 s).</summary>
    private static async Task<(long Stored, bool Settled)> StoredAsync(VictoriaMetricsServer vm, string node, long t0, long t1, CancellationToken ct)
    {
        long last = -1;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            await vm.FlushAsync();
            string query = $"sum(count_over_time({{__name__=~\".+_value\",node=\"{node}\"}}[{t1 - t0}ms]))";
            string url = $"api/v1/query?query={Uri.EscapeDataString(query)}&time={(t1 / 1000.0).ToString("F3", CultureInfo.InvariantCulture)}";
            var answer = await vm.Http.GetFromJsonAsync<JsonElement>(url, ct);
            var result = answer.GetProperty("data").GetProperty("result");
            long count = result.GetArrayLength() == 0 ? 0 : long.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            if (count == last && count > 0)
            {
                return (count, true);
            }

            last = count;
            await Task.Delay(1000, ct);
        }

        return (last, false);
    }

    /// <summary>VmHWM (kB) of this process and of every child process, by name.</summary>
    private static SortedDictionary<string, long> PeakRss()
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal) { [ProcessCpu.LoadGenerator] = EdgeBenchmark.Memory(System.Environment.ProcessId)["VmHWM"] };
        foreach (var (pid, name, _) in ProcessCpu.Children())
        {
            try
            {
                result[name] = Math.Max(result.GetValueOrDefault(name), EdgeBenchmark.Memory(pid)["VmHWM"]);
            }
            catch (IOException)
            {
                // Ended meanwhile.
            }
        }

        return result;
    }

    /// <summary>The <c>Hub:Batching</c> section of deploy/hub.example.json.</summary>
    private static System.Text.Json.Nodes.JsonNode DeployedBatching()
    {
        string path = RepoPaths.Combine("deploy", "hub.example.json");
        return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["Hub"]?["Batching"]?.DeepClone()
            ?? throw new InvalidOperationException($"{path} has no Hub:Batching section");
    }

    /// <summary>The unit file's settings; a variable of ours of the same name overrides one ("unset" removes it).</summary>
    private static Dictionary<string, string?> Environment(string unit) =>
        UnitFileEnvironment.Read(unit).ToDictionary(
            e => e.Name,
            e => System.Environment.GetEnvironmentVariable(e.Name) is { } mine ? (mine == "unset" ? null : mine) : e.Value,
            StringComparer.Ordinal);

    private static string Describe(Dictionary<string, string?> env) => string.Join(' ', env.Select(e => $"{e.Key}={e.Value ?? "unset"}"));

    private static string Build(string exe) => File.Exists(Path.ChangeExtension(exe, ".dll")) ? "JIT" : "NativeAOT";

    private static string Sibling(string area, string project, string name)
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')); // tests/CityBrain.Benchmarks/bin/{Configuration}/net10.0
        return RepoPaths.Combine(area, project, "bin", bin.Parent!.Name, bin.Name, name);
    }

    private static string? Arg(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    private static string F(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
