using System.Globalization;
using System.Net;
using System.Text.Json;
using CityBrain.Drivers.Modbus;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;

namespace CityBrain.Benchmarks.Edge;

/// <summary>
/// Edge node throughput, disk bytes per reading, publish latency, peak RSS and Modbus TCP polls/s: a real Mosquitto and
/// the built citybrain-edge as a separate process (so its RSS is its own), disk buffer (group fsync) in a temp dir. All
/// figures come from the node's retained health messages (interval 1 s), read by a subscriber to the health topic only.
/// Args: [--seconds N] (measurement window, default 15; the latency run uses max(N, 20)) [--only throughput|latency|modbus];
/// for finding the throughput limit: [--max-batch N] (maxBatchReadings of the throughput run, default 500) [--buffer disk|memory];
/// [--edge PATH] the citybrain-edge to run (bench/edge.sh passes the NativeAOT publish; default: the JIT build next to this one).
/// </summary>
public sealed class EdgeBenchmark : IBenchmark
{
    private const string ModbusTemplate = "street-light-meter-em24";

    public string Name => "edge";

    public string Description => "edge node: simulated/Modbus sensors -> disk buffer -> Mosquitto QoS 1 (readings/s, bytes/reading, latency, RSS, polls/s)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int seconds = (int)Arg(args, "--seconds", 15);
        int maxBatch = (int)Arg(args, "--max-batch", 500);
        string bufferKind = args.SkipWhile(a => a != "--buffer").Skip(1).FirstOrDefault() ?? "disk";
        string only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() ?? "all";
        string exe = args.SkipWhile(a => a != "--edge").Skip(1).FirstOrDefault() ?? EdgeExecutable();
        if (!File.Exists(exe))
        {
            Console.Error.WriteLine($"citybrain-edge not built at {exe}: run bench/edge.sh (it publishes the NativeAOT binary)");
            return 2;
        }

        // As deployed (deploy/systemd/citybrain-edge.service): the child process inherits these; "unset" removes one.
        string runtimeEnv = string.Join(' ', new[] { ("DOTNET_gcServer", "0"), ("DOTNET_GCHeapHardLimit", "4000000"), ("DOTNET_GCgen0size", "400000"), ("DOTNET_TieredPGO", "0"), ("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1") }.Select(e =>
        {
            string value = Environment.GetEnvironmentVariable(e.Item1) ?? e.Item2;
            Environment.SetEnvironmentVariable(e.Item1, value == "unset" ? null : value);
            return $"{e.Item1}={value}";
        }));
        string build = File.Exists(Path.ChangeExtension(exe, ".dll")) ? "JIT" : "NativeAOT";
        Console.WriteLine($"edge benchmark: {Environment.ProcessorCount} cores (shared), citybrain-edge Release ({build}, {exe}) as a separate process, {runtimeEnv}, disk buffer fsync=group, health every 1 s");
        await using var broker = await MosquittoServer.StartAsync("max_inflight_messages 0\nmax_queued_messages 0\n");
        var rows = new List<(string Figure, string Value, string Target)>();

        if (only is "all" or "throughput")
        {
            // 200 traffic sensors (3 channels) polled every 20 ms, 100 samples per channel per poll: 3,000,000 readings/s offered.
            var r = await RunEdgeAsync(exe, broker, "throughput", SimulatedSensors(200, "traffic", 20, 100), Publish(maxBatch, 100, 8, shedAfterMs: 0), seconds, cancellationToken, bufferKind: bufferKind);
            rows.Add(("a. readings/s through the pipeline, 200 sensors, saturating (publish.readings delta)", F(r.PublishedPerSecond), ">= 300,000"));
            rows.Add(("   readings/s appended to the disk buffer (buffer.nextSeq delta)", F(r.AppendedPerSecond), ""));
            rows.Add(("b. bytes written to disk per reading (bytesWritten / appended)", r.BytesPerReading.ToString("F1", CultureInfo.InvariantCulture), ""));
            rows.Add(("d. peak RSS, saturating run (VmHWM; VmRSS at end)", $"{r.HwmMb:F1} MB ({r.RssMb:F1} MB)", "<= 60 MB"));
            rows.Add(("   VmRSS at end: anonymous (GC heap, stacks, native) + file-backed (the binary, libraries)", r.RssParts, ""));
            rows.Add(("   buffer backlog at end of window / overruns", $"{F(r.BufferedAtEnd)} readings / {F(r.Overruns)}", ""));
        }

        if (only is "all" or "latency")
        {
            foreach (int delay in new[] { 100, 20 })
            {
                // 200 traffic sensors (3 channels) every 150 ms = 4,000 readings/s.
                var r = await RunEdgeAsync(exe, broker, $"latency-{delay}", SimulatedSensors(200, "traffic", 150, 1), Publish(500, delay, 8), Math.Max(seconds, 20), cancellationToken);
                rows.Add(($"c. latency p50 / p99 at 4,000 readings/s, maxBatchDelayMs={delay} (median p50 / max p99 of 1 s windows)", $"{r.P50:F1} / {r.P99:F1} ms (median p99 {r.P99Median:F1})", "p99 < 250 ms"));
                rows.Add(($"   achieved rate / peak RSS (VmHWM; VmRSS at end), maxBatchDelayMs={delay}", $"{F(r.PublishedPerSecond)}/s, {r.HwmMb:F1} MB ({r.RssMb:F1} MB)", "<= 60 MB"));
            }
        }

        if (only is "all" or "modbus")
        {
            rows.AddRange(await RunModbusAsync(exe, broker, seconds, cancellationToken));
        }

        Console.WriteLine();
        Console.WriteLine($"{"figure",-105} {"measured",-36} target");
        foreach (var (figure, value, target) in rows)
        {
            Console.WriteLine($"{figure,-105} {value,-36} {target}");
        }

        return 0;
    }

    private static async Task<List<(string, string, string)>> RunModbusAsync(string exe, MosquittoServer broker, int seconds, CancellationToken ct)
    {
        const int buses = 4;
        const int devicesPerBus = 50;
        var template = await TemplateLoader.LoadFileAsync(Path.Combine(TemplatesDirectory(), ModbusTemplate + ".json"), ct);
        int pointsPerPoll = template.Points.Count;
        await using var simulator = new ModbusSimulator();
        for (int unit = 1; unit <= devicesPerBus; unit++)
        {
            simulator.AddDevice((byte)unit, new SimulatedDevice(template, seed: unit));
        }

        // Four listeners on one simulator (same devices): each bus is its own TCP connection.
        var ports = Enumerable.Range(0, buses).Select(_ => simulator.StartTcp(new IPEndPoint(IPAddress.Loopback, 0)).Port).ToArray();
        var sensors = new List<object>();
        for (int b = 0; b < buses; b++)
        {
            for (int unit = 1; unit <= devicesPerBus; unit++)
            {
                sensors.Add(new { id = $"em-{b}-{unit:D2}", driver = "modbus", bus = $"plc-{b}", unit, template = ModbusTemplate, intervalMs = 10, timeoutMs = 2000 });
            }
        }

        var busList = ports.Select((p, b) => new { id = $"plc-{b}", kind = "modbus-tcp", host = "127.0.0.1", port = p, timeoutMs = 1000, turnaroundMs = 0 }).ToArray();
        var r = await RunEdgeAsync(exe, broker, "modbus", sensors, Publish(500, 100, 8, shedAfterMs: 0), seconds, ct, busList);
        double polls = r.SampledPerSecond / pointsPerPoll;
        return
        [
            ($"e. Modbus TCP polls/s: {buses} buses x {devicesPerBus} {ModbusTemplate} ({pointsPerPoll} points, registers 0..21) every 10 ms (sampled / {pointsPerPoll})", F(polls), ">= 15,000"),
            ("   Modbus run: readings/s published, faults, overruns, peak RSS", $"{F(r.PublishedPerSecond)}/s, {F(r.Faults)}, {F(r.Overruns)}, {r.HwmMb:F1} MB", ""),
        ];
    }

    private sealed record RunResult(
        double PublishedPerSecond, double AppendedPerSecond, double SampledPerSecond, double BytesPerReading,
        double P50, double P99, double P99Median, double HwmMb, double RssMb, string RssParts, long BufferedAtEnd, long Overruns, long Faults);

    private static async Task<RunResult> RunEdgeAsync(
        string exe, MosquittoServer broker, string name, IReadOnlyList<object> sensors, object publish, int seconds, CancellationToken ct, object[]? buses = null, string bufferKind = "disk")
    {
        using var dir = new TempDirectory("edge-bench");
        string nodeId = "n-bench-" + name;
        string config = dir.Combine("node.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            version = 1,
            node = new { id = nodeId, location = new { city = "metropolis", district = "bench", street = "bench-road", grid = "g-0001" } },
            mqtt = new { host = "127.0.0.1", port = broker.Port, reconnectMinSeconds = 0.2, reconnectMaxSeconds = 1, connectTimeoutSeconds = 5, publishTimeoutSeconds = 10 },
            buffer = new { kind = bufferKind, path = dir.Combine("buffer"), maxMegabytes = 1024, fsync = "group" },
            publish,
            sensors,
            buses = buses ?? [],
        }), ct);
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, $"citybrain/v1/bench/g-0001/{nodeId}/health");

        // The hub's place: a telemetry subscriber must exist, or the broker answers PUBACK 0x10 and the edge
        // (rightly) holds its readings in the buffer. It counts and keeps nothing.
        await using var telemetry = await MqttCollector.StartCountingAsync(broker.Host, broker.Port, $"citybrain/v1/bench/g-0001/{nodeId}/telemetry");
        await using var edge = ServerProcess.Start("citybrain-edge", exe, ["--config", config], dir.Path, "(build edge/CityBrain.Edge.Service)");
        try
        {
            // Warm-up: publishing has started, then 5 s more (JIT, buffer steady state).
            await WaitAsync(() => Latest(sub) is { } h && h.GetProperty("publish").GetProperty("readings").GetInt64() > 0, TimeSpan.FromSeconds(30), edge, "first readings published");
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var first = Latest(sub)!.Value;
            double edgeCpu0 = CpuSeconds(edge.Pid);
            var benchCpu0 = Environment.CpuUsage.TotalTime;
            long t0 = first.GetProperty("ts").GetInt64();
            int skip = sub.Messages.Count;
            await WaitAsync(() => Latest(sub) is { } h && h.GetProperty("ts").GetInt64() >= t0 + (seconds * 1000L), TimeSpan.FromSeconds(seconds + 30), edge, "the measurement window");
            var last = Latest(sub)!.Value;
            var window = sub.Messages.Skip(skip).Select(m => JsonDocument.Parse(m.Payload).RootElement.Clone()).ToList();
            var memory = Memory(edge.Pid);
            double edgeCpu = CpuSeconds(edge.Pid) - edgeCpu0;
            double benchCpu = (Environment.CpuUsage.TotalTime - benchCpu0).TotalSeconds;

            double dt = (last.GetProperty("ts").GetInt64() - t0) / 1000.0;
            long D(string section, string field) => last.GetProperty(section).GetProperty(field).GetInt64() - first.GetProperty(section).GetProperty(field).GetInt64();
            long Sensors(JsonElement h, string field) => h.GetProperty("sensors").EnumerateArray().Sum(s => s.GetProperty(field).GetInt64());
            long appended = D("buffer", "nextSeq");
            var p50s = window.Select(h => h.GetProperty("publish").GetProperty("latencyP50Ms").GetDouble()).Order().ToList();
            var p99s = window.Select(h => h.GetProperty("publish").GetProperty("latencyP99Ms").GetDouble()).Order().ToList();
            var result = new RunResult(
                D("publish", "readings") / dt,
                appended / dt,
                (Sensors(last, "sampled") - Sensors(first, "sampled")) / dt,
                appended == 0 ? 0 : (double)D("buffer", "bytesWritten") / appended,
                p50s.Count == 0 ? 0 : p50s[p50s.Count / 2],
                p99s.Count == 0 ? 0 : p99s[^1],
                p99s.Count == 0 ? 0 : p99s[p99s.Count / 2],
                memory["VmHWM"] / 1024.0,
                memory["VmRSS"] / 1024.0,
                $"{memory["RssAnon"] / 1024.0:F1} + {memory["RssFile"] / 1024.0:F1} MB (shmem {memory["RssShmem"] / 1024.0:F1}), {memory["Threads"]} threads",
                last.GetProperty("buffer").GetProperty("readings").GetInt64(),
                Sensors(last, "overruns") - Sensors(first, "overruns"),
                Sensors(last, "faults") - Sensors(first, "faults"));
            Console.WriteLine($"  [{name}] window {dt:F1} s: published {F(result.PublishedPerSecond)}/s, appended {F(result.AppendedPerSecond)}/s, sampled {F(result.SampledPerSecond)}/s, "
                + $"{result.BytesPerReading:F1} B/reading, latency p50 {result.P50:F1} / p99 max {result.P99:F1} ms, VmHWM {result.HwmMb:F1} MB, VmRSS {result.RssMb:F1} MB (anon + file {result.RssParts}), buffered {F(result.BufferedAtEnd)}, reconnects {last.GetProperty("publish").GetProperty("reconnects").GetInt64()}, "
                + $"CPU: edge {edgeCpu / dt:F2} cores, bench process (health subscriber, Modbus simulator) {benchCpu / dt:F2} cores");
            return result;
        }
        finally
        {
            await edge.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    internal static JsonElement? Latest(MqttCollector sub)
    {
        var m = sub.Messages.LastOrDefault();
        return m is null ? null : JsonDocument.Parse(m.Payload).RootElement.Clone();
    }

    internal static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, ServerProcess edge, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (edge.HasExited)
            {
                throw new InvalidOperationException("citybrain-edge exited: " + edge.Tail());
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}: " + edge.Tail());
            }

            await Task.Delay(100);
        }
    }

    private static List<object> SimulatedSensors(int count, string kind, int intervalMs, int samplesPerPoll) =>
        Enumerable.Range(1, count).Select(i => (object)new { id = $"s-{i:D3}", driver = "simulated", kind, intervalMs, jitterMs = intervalMs / 10, seed = i, samplesPerPoll }).ToList();

    /// <summary>
    /// Publish settings. The capacity runs (throughput, Modbus) turn load shedding off (<c>shedAfterMs</c> 0): they
    /// measure how much the node can sample and deliver, and shedding would stop sampling at the first queue.
    /// </summary>
    private static object Publish(int maxBatchReadings, int maxBatchDelayMs, int maxInFlight, int shedAfterMs = 100) =>
        new { healthIntervalSeconds = 1, maxBatchReadings, maxBatchDelayMs, maxInFlight, shedAfterMs };

    /// <summary>VmHWM, VmRSS, RssAnon, RssFile, RssShmem (kB) and Threads of <paramref name="pid"/> from /proc/PID/status.</summary>
    internal static Dictionary<string, long> Memory(int pid)
    {
        string[] fields = ["VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads"];
        var values = fields.ToDictionary(f => f, _ => -1L);
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            string name = line.Split(':')[0];
            if (values.ContainsKey(name))
            {
                values[name] = long.Parse(line.Split(' ', '\t').Where(p => p.Length > 0).ElementAt(1), CultureInfo.InvariantCulture);
            }
        }

        return values;
    }

    /// <summary>utime + stime of <paramref name="pid"/> from /proc/PID/stat (clock ticks, 100 per second on Linux).</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static string F(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static double Arg(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Root()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')); // tests/CityBrain.Benchmarks/bin/{Configuration}/net10.0
        return bin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
    }

    private static string TemplatesDirectory() => Path.Combine(Root(), "firmware-config", "templates");

    private static string EdgeExecutable()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        return Path.Combine(Root(), "edge", "CityBrain.Edge.Service", "bin", bin.Parent!.Name, bin.Name, "citybrain-edge");
    }
}
