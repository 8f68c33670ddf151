using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CityBrain.Testing.Servers;

namespace CityBrain.Benchmarks.Hub;

/// <summary>
/// Hub ingest throughput, latency and memory: real Mosquitto, real VictoriaMetrics and InfluxDB 1.x, the built
/// citybrain-hub as a separate process (so its peak RSS is its own), and simulated nodes publishing QoS 1.
/// Per scenario: a paced phase for end-to-end latency, then an open-loop phase (as fast as the broker takes
/// messages) whose backlog must drain; the sustained rate = points stored / (publish time + drain time).
/// Args: [--seconds N] [--clients N] [--nodes N] [--only vm|influx1].
/// </summary>
public sealed class HubBenchmark : IBenchmark
{
    public string Name => "hub";

    public string Description => "hub ingest: Mosquitto -> citybrain-hub -> VictoriaMetrics / InfluxDB 1.x (points/s, latency, RSS)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int seconds = Arg(args, "--seconds", 15);
        int clients = Arg(args, "--clients", 6);
        int nodes = Arg(args, "--nodes", 500);
        string only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() ?? "all";
        string exe = HubExecutable();
        if (!File.Exists(exe))
        {
            Console.Error.WriteLine($"citybrain-hub not built at {exe}: run bench/hub.sh (it builds Release)");
            return 2;
        }

        Console.WriteLine($"hub benchmark: {Environment.ProcessorCount} cores, {seconds} s open-loop phases, {clients} publisher clients x 64 in flight, {nodes} nodes");
        await using var broker = await MosquittoServer.StartAsync("max_inflight_messages 0\nmax_queued_messages 0\n");
        await using var vm = await VictoriaMetricsServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");

        var scenarios = new List<(string Db, object Sink, int Readings)>();
        if (only is "all" or "vm")
        {
            scenarios.Add(("VictoriaMetrics", new { kind = "influx-v2", url = vm.Url, org = "city", bucket = "citybrain", token = "x", writers = 4 }, 20));
            scenarios.Add(("VictoriaMetrics", new { kind = "influx-v2", url = vm.Url, org = "city", bucket = "citybrain", token = "x", writers = 4 }, 100));
        }

        if (only is "all" or "influx1")
        {
            scenarios.Add(("InfluxDB 1.x", new { kind = "influx-v1", url = influx.Url, database = "citybrain", writers = 4 }, 20));
            scenarios.Add(("InfluxDB 1.x", new { kind = "influx-v1", url = influx.Url, database = "citybrain", writers = 4 }, 100));
        }

        int index = 0;
        foreach (var (db, sink, readings) in scenarios)
        {
            index++;
            await RunScenarioAsync(exe, broker.Port, db, sink, readings, seconds, clients, nodes, $"q{index}_bench", cancellationToken);
        }

        return 0;
    }

    private static async Task RunScenarioAsync(
        string exe, int brokerPort, string db, object sink, int readings, int seconds, int clients, int nodes, string quantity, CancellationToken ct)
    {
        using var dir = new TempDirectory("hub-bench");
        int http = FreePort.Get();
        string config = dir.Combine("hub.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Hub = new
            {
                InstanceName = "bench",
                Mqtt = new { Host = "127.0.0.1", Port = brokerPort, ClientId = "hub-" + quantity, ReceiveMaximum = 2000 },
                Sinks = new[] { sink },
                Batching = new { MaxLines = 5000, MaxDelayMilliseconds = 50, QueueCapacity = 1000 },
                HttpPort = http,
            },
            Logging = new { LogLevel = new { Default = "Warning" } },
        }), ct);
        await using var hub = ServerProcess.Start("citybrain-hub", exe, ["--config", config], dir.Path, "(build hub/CityBrain.Hub.Service)");
        using var httpClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}/"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitHealthyAsync(httpClient, hub, ct);
        await using var load = await HubLoadGenerator.ConnectAsync(brokerPort, clients, nodes, readings, quantity);

        // Phase 1: paced, for latency (well below saturation).
        double pacedRate = readings >= 100 ? 1000 : 3000;
        await load.RunAsync(TimeSpan.FromSeconds(8), pacedRate, quantity, ct);
        await WaitDrainedAsync(httpClient, load.Published, TimeSpan.FromSeconds(60), ct);
        var paced = await StatsAsync(httpClient, ct);

        // Phase 2: open loop.
        long published0 = load.Published;
        long points0 = paced.GetProperty("pointsWritten").GetInt64();
        var sw = Stopwatch.StartNew();
        await load.RunAsync(TimeSpan.FromSeconds(seconds), 0, quantity, ct);
        double publishSeconds = sw.Elapsed.TotalSeconds;
        long publishedMessages = load.Published - published0;
        var atPublishEnd = await StatsAsync(httpClient, ct);
        long writtenDuringPublish = atPublishEnd.GetProperty("pointsWritten").GetInt64() - points0;
        bool drained = await WaitDrainedAsync(httpClient, load.Published, TimeSpan.FromSeconds(120), ct);
        double totalSeconds = sw.Elapsed.TotalSeconds;
        var end = await StatsAsync(httpClient, ct);
        long points = end.GetProperty("pointsWritten").GetInt64() - points0;
        long hwmKb = PeakRssKb(hub.Pid);
        if (Environment.GetEnvironmentVariable("CITYBRAIN_BENCH_GC") == "1")
        {
            foreach (string line in (await httpClient.GetStringAsync("metrics", ct)).Split('\n'))
            {
                if (line.StartsWith("dotnet_", StringComparison.Ordinal) || line.StartsWith("process_", StringComparison.Ordinal))
                {
                    Console.WriteLine("  " + line);
                }
            }
        }


        string F(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"== {db}, {readings} readings/message ==");
        Console.WriteLine($"  latency phase: {F(pacedRate)} msg/s paced for 8 s: end-to-end (source ts -> every sink accepted) p50 {paced.GetProperty("latencyP50Ms").GetInt64()} ms, p99 {paced.GetProperty("latencyP99Ms").GetInt64()} ms, max {paced.GetProperty("latencyMaxMs").GetInt64()} ms");
        Console.WriteLine($"  open loop: published {F(publishedMessages)} msg in {publishSeconds:F1} s = {F(publishedMessages / publishSeconds)} msg/s ({F(publishedMessages * readings / publishSeconds)} points/s offered)");
        Console.WriteLine($"  hub stored during publishing: {F(writtenDuringPublish / publishSeconds)} points/s; backlog drained: {(drained ? "yes" : "NO")} after {totalSeconds - publishSeconds:F1} s more");
        Console.WriteLine($"  sustained (stored / (publish + drain)): {F(points / totalSeconds)} points/s = {F(points / totalSeconds / readings)} msg/s");
        Console.WriteLine($"  hub peak RSS (VmHWM, separate process): {hwmKb / 1024.0:F1} MB; write retries {end.GetProperty("writeRetries").GetInt64()}; rejected {end.GetProperty("rejectedByCode")}; peak unacknowledged {end.GetProperty("unacknowledgedPeak").GetInt64()} msg");
    }

    private static async Task WaitHealthyAsync(HttpClient http, ServerProcess hub, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (hub.HasExited)
            {
                throw new InvalidOperationException("citybrain-hub exited: " + hub.Tail());
            }

            try
            {
                using var r = await http.GetAsync("healthz", ct);
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException("citybrain-hub did not become healthy: " + hub.Tail());
    }

    private static async Task<bool> WaitDrainedAsync(HttpClient http, long published, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var s = await StatsAsync(http, ct);
            if (s.GetProperty("messagesWritten").GetInt64() >= published)
            {
                return true;
            }

            await Task.Delay(50, ct);
        }

        return false;
    }

    private static async Task<JsonElement> StatsAsync(HttpClient http, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("ingest/stats", ct));
        return doc.RootElement.Clone();
    }

    private static long PeakRssKb(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string HubExecutable()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')); // tests/CityBrain.Benchmarks/bin/{Configuration}/net10.0
        string root = bin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "hub", "CityBrain.Hub.Service", "bin", bin.Parent.Name, bin.Name, "citybrain-hub");
    }
}
