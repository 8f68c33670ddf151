using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CityBrain.Testing;
using CityBrain.Testing.Servers;

namespace CityBrain.Benchmarks.Hub;

/// <summary>
/// Hub ingest throughput, latency and memory: real Mosquitto, real VictoriaMetrics and InfluxDB 1.x, the built
/// citybrain-hub as a separate process (so its peak RSS is its own), and simulated nodes publishing QoS 1.
/// Per scenario: a paced phase for end-to-end latency, then an open-loop phase (as fast as the broker takes
/// messages) whose backlog must drain; the sustained rate = points stored / (publish time + drain time).
/// Args: [--seconds N] [--clients N] [--nodes N] [--only vm|influx1|vm-client|vm-both] [--readings 20|100|N] [--columns value[,quality][,seq]]
/// (<c>vm-client</c>: VictoriaMetrics through InfluxDB.Client, JIT hub only; <c>vm-both</c>: through the shipped <c>http</c> client, then InfluxDB.Client)
/// [--hub PATH] (the citybrain-hub to run: bench/hub.sh passes the NativeAOT publish; default: the JIT build of the same
/// configuration) [--quantities bench|catalogue] [--domain-sinks all|DOMAIN,...] [--steps N].
/// The plain run publishes one made-up quantity per scenario (<c>q1_bench</c>: not in the catalogue, so the hub flags
/// every reading unknown_quantity). <c>--quantities catalogue</c> publishes catalogued quantities in their units, one
/// domain after another (the catalogue check then finds each, as with real nodes). <c>--domain-sinks</c> adds, beside
/// the city database, one department sink per domain (docs/grid-registry.md: a database per domain, each with its
/// domain's share of the lines; implies <c>--quantities catalogue</c>, else they would get nothing). <c>--steps N</c>:
/// at most N rate steps in phase 3 (default 10; 1 for a quick check that the options work).
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
        int onlyReadings = Arg(args, "--readings", 0);
        string? columns = args.SkipWhile(a => a != "--columns").Skip(1).FirstOrDefault();
        if (columns is not null)
        {
            Environment.SetEnvironmentVariable(BenchHub.ColumnsVariable, columns);
        }

        string? domainSinks = args.SkipWhile(a => a != "--domain-sinks").Skip(1).FirstOrDefault();
        string quantities = args.SkipWhile(a => a != "--quantities").Skip(1).FirstOrDefault() ?? (domainSinks is null ? "bench" : "catalogue");
        int maxSteps = Arg(args, "--steps", MaxSteps);
        var knownDomains = PayloadTemplate.CataloguedMix.Select(q => q.Domain).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        string[] domains = domainSinks is null ? [] : domainSinks == "all" ? [.. knownDomains] : domainSinks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (quantities is not ("bench" or "catalogue") || (domains.Length > 0 && quantities != "catalogue") || domains.Except(knownDomains).Any())
        {
            Console.Error.WriteLine($"--quantities is bench or catalogue (--domain-sinks needs catalogue); --domain-sinks is all or a list of: {string.Join(", ", knownDomains)}");
            return 2;
        }

        bool catalogued = quantities == "catalogue";
        string exe = args.SkipWhile(a => a != "--hub").Skip(1).FirstOrDefault() ?? HubExecutable();
        if (!File.Exists(exe))
        {
            Console.Error.WriteLine($"citybrain-hub not built at {exe}: run bench/hub.sh (it publishes the NativeAOT binary)");
            return 2;
        }

        // As deployed (deploy/systemd/citybrain-hub.service): the child process inherits these; "unset" removes one.
        // CITYBRAIN_BENCH_HUB_ENV="DOTNET_X=1 DOTNET_Y=2" adds settings to try for the hub only (set in the shell, a
        // DOTNET_ variable would apply to this process, the load generator, as well).
        var hubEnvironment = HubRuntimeEnvironment.ToList();
        foreach (string setting in (Environment.GetEnvironmentVariable("CITYBRAIN_BENCH_HUB_ENV") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                Console.Error.WriteLine($"CITYBRAIN_BENCH_HUB_ENV: '{setting}' is not NAME=VALUE");
                return 2;
            }

            hubEnvironment.RemoveAll(e => e.Name == setting[..eq]);
            hubEnvironment.Add((setting[..eq], setting[(eq + 1)..]));
        }

        string runtimeEnv = string.Join(' ', hubEnvironment.Select(e =>
        {
            string value = HubRuntimeEnvironment.Contains(e) ? Environment.GetEnvironmentVariable(e.Name) ?? e.Value : e.Value;
            Environment.SetEnvironmentVariable(e.Name, value == "unset" ? null : value);
            return $"{e.Name}={value}";
        }));

        Console.WriteLine($"hub benchmark: {Environment.ProcessorCount} cores, {seconds} s open-loop phases, {clients} publisher clients x 64 in flight, {nodes} nodes");
        string build = File.Exists(Path.Combine(Path.GetDirectoryName(exe)!, "citybrain-hub.dll")) ? "JIT" : "NativeAOT";
        Console.WriteLine($"  citybrain-hub {build} ({exe}): {runtimeEnv}");
        Console.WriteLine($"  columns per point: {Environment.GetEnvironmentVariable(BenchHub.ColumnsVariable) ?? "value,quality,seq (the documented schema: fields value and seq, tag quality)"}");
        Console.WriteLine(catalogued
            ? $"  quantities: catalogued, in their units, {PayloadTemplate.CataloguedMix.Count} in turn across {knownDomains.Count} domains (the catalogue check finds each)"
            : "  quantities: one made-up quantity per scenario (q1_bench, ...: not in the catalogue, every reading flagged unknown_quantity)");
        Console.WriteLine(domains.Length > 0
            ? $"  department sinks (one more sink per domain, its domain's lines only): {string.Join(", ", domains)}"
            : "  department sinks: none (the city database only)");
        // The broker's persistence as deployed (deploy/mosquitto/mosquitto.conf: autosave every 30 s). The test fixture's
        // autosave_interval 1 rewrote the whole queued backlog (over 1 GB in the open-loop phase) every second: perf
        // showed Mosquitto in ext4 writes, 1.6-2.7 us of CPU per point, a third of the machine.
        await using var broker = await MosquittoServer.StartAsync("max_inflight_messages 2000\nmax_queued_messages 100000000\nautosave_interval 30\n");
        await using var vm = await VictoriaMetricsServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");

        var scenarios = new List<(string Db, object Sink, IReadOnlyList<object> DomainSinks, int Readings)>();
        // The targets' sizes; another --readings (e.g. 500, the edge's largest backlog batch) runs that size alone.
        int[] sizes = onlyReadings is > 0 and not (20 or 100) ? [onlyReadings] : [20, 100];
        if (only is "all" or "vm" or "vm-both")
        {
            // VictoriaMetrics has one store whatever the bucket: each department sink still makes its own write requests.
            IReadOnlyList<object> departments = [.. domains.Select(d => (object)new { kind = "influx-v2", url = vm.Url, org = "city", bucket = "citybrain_" + d, token = "x", writers = 4, domains = new[] { d } })];
            scenarios.AddRange(sizes.Select(n => ("VictoriaMetrics", (object)new { kind = "influx-v2", url = vm.Url, org = "city", bucket = "citybrain", token = "x", writers = 4 }, departments, n)));
        }

        if (only is "vm-client" or "vm-both")
        {
            // InfluxDB.Client (docs/influxdb-schema.md, "The two influx-v2 clients"): refused by a NativeAOT hub.
            scenarios.AddRange(sizes.Select(n => ("VictoriaMetrics via InfluxDB.Client", (object)new { kind = "influx-v2", client = "influxdb-client", url = vm.Url, org = "city", bucket = "citybrain", token = "x", writers = 4 }, (IReadOnlyList<object>)[], n)));
        }

        if (only is "all" or "influx1")
        {
            foreach (string d in domains)
            {
                await influx.CreateDatabaseAsync("citybrain_" + d);
            }

            IReadOnlyList<object> departments = [.. domains.Select(d => (object)new { kind = "influx-v1", url = influx.Url, database = "citybrain_" + d, writers = 4, domains = new[] { d } })];
            scenarios.AddRange(sizes.Select(n => ("InfluxDB 1.x", (object)new { kind = "influx-v1", url = influx.Url, database = "citybrain", writers = 4 }, departments, n)));
        }

        int index = 0;
        foreach (var (db, sink, departmentSinks, readings) in scenarios)
        {
            index++;
            if (onlyReadings > 0 && readings != onlyReadings)
            {
                continue;
            }

            var setup = new ScenarioSetup(departmentSinks, catalogued, maxSteps);
            await RunScenarioAsync(exe, broker.Port, db, sink, setup, readings, seconds, clients, nodes, $"q{index}_bench", cancellationToken);
        }

        return 0;
    }

    /// <summary>What a scenario adds to the plain run: department sinks, catalogued quantities, the number of rate steps.</summary>
    private sealed record ScenarioSetup(IReadOnlyList<object> DepartmentSinks, bool Catalogued, int MaxSteps);

    private static async Task RunScenarioAsync(
        string exe, int brokerPort, string db, object sink, ScenarioSetup setup, int readings, int seconds, int clients, int nodes, string quantity, CancellationToken ct)
    {
        string F(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"== {db}, {readings} readings/message ==");

        // Phase 1: open loop (as fast as the broker takes messages), then the backlog must drain.
        double sustainedMessages;
        long window;
        long hwm1;
        string breakdown1;
        await using (var hub = await BenchHub.StartAsync(exe, brokerPort, sink, "hub-" + quantity + "-a", ct, moreSinks: setup.DepartmentSinks))
        await using (var load = await HubLoadGenerator.ConnectAsync(brokerPort, clients, nodes, readings, quantity + "-a", setup.Catalogued))
        {
            // Warm-up (JIT, connection pools, the registry's nodes), stored and drained before the measurement starts.
            await load.RunAsync(TimeSpan.FromSeconds(WarmUpSeconds), 0, quantity, ct);
            await hub.WaitDrainedAsync(load.Published, TimeSpan.FromSeconds(120), ct);
            load.ResetCounts();
            var warm = await hub.StatsAsync(ct);
            long warmPoints = warm.GetProperty("pointsWritten").GetInt64();
            long warmMessages = warm.GetProperty("messagesWritten").GetInt64();
            double warmCpu = hub.CpuSeconds();
            var cpuBefore = ProcessCpu.Snapshot();
            var sw = Stopwatch.StartNew();
            await load.RunAsync(TimeSpan.FromSeconds(seconds), 0, quantity, ct);
            double publishSeconds = sw.Elapsed.TotalSeconds;
            long publishedMessages = load.Published;
            long writtenDuringPublish = (await hub.StatsAsync(ct)).GetProperty("pointsWritten").GetInt64() - warmPoints;
            bool drained = await hub.WaitDrainedAsync(warmMessages + load.Published, TimeSpan.FromSeconds(120), ct);
            double totalSeconds = sw.Elapsed.TotalSeconds;
            var end = await hub.StatsAsync(ct);
            var cpuAfter = ProcessCpu.Snapshot();
            long points = end.GetProperty("pointsWritten").GetInt64() - warmPoints;
            hwm1 = hub.PeakRssKb();
            breakdown1 = Breakdown(hub) + "; collections " + await hub.GcCountsAsync(ct);
            sustainedMessages = points / totalSeconds / readings;
            Console.WriteLine($"  open loop: published {F(publishedMessages)} msg in {publishSeconds:F1} s = {F(publishedMessages / publishSeconds)} msg/s ({F(publishedMessages * readings / publishSeconds)} points/s offered){(load.Failed > 0 ? $"; {F(load.Failed)} publishes failed" : "")}");
            Console.WriteLine($"  hub stored while publishing: {F(writtenDuringPublish / publishSeconds)} points/s; backlog drained: {(drained ? "yes" : "NO")} after {totalSeconds - publishSeconds:F1} s more");
            Console.WriteLine($"  sustained (stored / (publish + drain)): {F(points / totalSeconds)} points/s = {F(sustainedMessages)} msg/s");
            Console.WriteLine($"  drain rate (publishers stopped, the hub has the CPU): {F((points - writtenDuringPublish) / Math.Max(0.001, totalSeconds - publishSeconds))} points/s");
            window = end.GetProperty("unacknowledgedPeak").GetInt64();
            Console.WriteLine($"  peak unacknowledged {window} msg; write retries {end.GetProperty("writeRetries").GetInt64()}; rejected {end.GetProperty("rejectedByCode")}; hub CPU {hub.CpuSeconds() - warmCpu:F1} s ({(hub.CpuSeconds() - warmCpu) * 1e6 / Math.Max(1, points):F2} us/point, after a {WarmUpSeconds} s warm-up)");
            Console.WriteLine($"  CPU during publish + drain ({totalSeconds:F1} s x {Environment.ProcessorCount} cores = {totalSeconds * Environment.ProcessorCount:F1} s): {ProcessCpu.Describe(cpuBefore, cpuAfter)}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Console.WriteLine($"  CPU per stored point: {ProcessCpu.PerPoint(cpuBefore, cpuAfter, points)}");
            var (viewEvents, viewBytes) = hub.ViewReceived;
            Console.WriteLine($"  while this ran, the hub evaluated the alert rules of deploy/hub.example.json and served one live operator view (/api/events, whole city): {F(viewEvents)} events, {viewBytes / 1024.0:N0} KB");
        }

        // Phase 2: a fresh hub, paced at half the sustained rate, for end-to-end latency.
        double paced = Math.Max(50, Math.Round(sustainedMessages / 2));
        await using (var hub = await BenchHub.StartAsync(exe, brokerPort, sink, "hub-" + quantity + "-b", ct, moreSinks: setup.DepartmentSinks))
        await using (var load = await HubLoadGenerator.ConnectAsync(brokerPort, clients, nodes, readings, quantity + "-b", setup.Catalogued))
        {
            await load.RunAsync(TimeSpan.FromSeconds(10), paced, quantity, ct);
            await hub.WaitDrainedAsync(load.Published, TimeSpan.FromSeconds(60), ct);
            var s = await hub.StatsAsync(ct);
            Console.WriteLine($"  latency at {F(paced)} msg/s paced for 10 s (source ts -> every sink accepted): p50 {s.GetProperty("latencyP50Ms").GetInt64()} ms, p99 {s.GetProperty("latencyP99Ms").GetInt64()} ms, max {s.GetProperty("latencyMaxMs").GetInt64()} ms");
            Console.WriteLine($"  hub peak RSS (VmHWM of the separate hub process): open loop {hwm1 / 1024.0:F1} MB, paced {hub.PeakRssKb() / 1024.0:F1} MB (target: at most 80 MB)");
            Console.WriteLine($"    open loop at the sampled peak: {breakdown1}");
            Console.WriteLine($"    paced at the sampled peak:     {Breakdown(hub)}; collections {await hub.GcCountsAsync(ct)}");

            // Phase 3, same hub: the highest paced rate it keeps up with. The open loop above overloads the chain (the
            // generator offers more than it can take, the broker queues and autosaves the backlog), so its sustained
            // figure includes the cost of overload; here each step publishes at a fixed rate and passes if the
            // generator achieved it and the backlog did not grow.
            await FindSustainableRateAsync(hub, load, sustainedMessages, window, readings, quantity, setup.MaxSteps, ct);
            Console.WriteLine($"  hub peak RSS after the rate steps: {hub.PeakRssKb() / 1024.0:F1} MB");
        }
    }

    private const int StepSeconds = 10;
    private const int MaxSteps = 10;

    private static async Task FindSustainableRateAsync(BenchHub hub, HubLoadGenerator load, double startRate, long window, int readings, string quantity, int maxSteps, CancellationToken ct)
    {
        string F(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        double rate = Math.Round(startRate);
        double best = 0;
        string bestCpu = "n/a";
        var steps = new List<string>();
        // Up to 10 steps (+8% each: up to 2x the start): the open loop's overload can put its figure well below the limit.
        for (int step = 0; step < maxSteps && rate >= 50; step++)
        {
            await hub.WaitDrainedAsync(load.Published, TimeSpan.FromSeconds(120), ct);
            long published0 = load.Published;
            long stored0 = (await hub.StatsAsync(ct)).GetProperty("messagesWritten").GetInt64();
            var cpuBefore = ProcessCpu.Snapshot();
            var sw = Stopwatch.StartNew();
            var run = load.RunAsync(TimeSpan.FromSeconds(StepSeconds), rate, quantity, ct);
            await Task.Delay(TimeSpan.FromSeconds(StepSeconds / 2.0), ct);
            long lagMid = load.Published - published0 - ((await hub.StatsAsync(ct)).GetProperty("messagesWritten").GetInt64() - stored0);
            await run;
            double seconds = sw.Elapsed.TotalSeconds;
            long published = load.Published - published0;
            long stored = (await hub.StatsAsync(ct)).GetProperty("messagesWritten").GetInt64() - stored0;
            var cpuAfter = ProcessCpu.Snapshot();
            long lag = published - stored;
            bool achieved = published >= 0.97 * rate * StepSeconds;

            // Kept up: at half time and at the end no more is unstored than the hub itself holds in flight (its receive
            // window: the open loop's peak of unacknowledged messages) plus 0.1 s of messages in transit. More than that
            // waits in the broker's queue: the hub is falling behind.
            double capacity = window + rate * 0.1;
            bool keptUp = lagMid <= capacity && lag <= capacity;
            steps.Add($"{F(rate)} msg/s {(achieved && keptUp ? "kept up" : achieved ? "BEHIND" : $"NOT OFFERED (generator reached {F(published / seconds)} msg/s)")} (unstored {F(lagMid)} at half time, {F(lag)} at the end)");
            if (achieved && keptUp)
            {
                best = rate;
                bestCpu = ProcessCpu.PerPoint(cpuBefore, cpuAfter, stored * readings);
                rate = Math.Round(rate * 1.08);
            }
            else if (best == 0)
            {
                rate = Math.Round(rate * 0.85);
            }
            else
            {
                break;
            }
        }

        Console.WriteLine($"  rate steps ({StepSeconds} s each, pass = offered, and unstored at half time and at the end at most the hub's window of {window} msg + 0.1 s of messages): {string.Join("; ", steps)}");
        Console.WriteLine($"  sustained without falling behind: {F(best * readings)} points/s = {F(best)} msg/s; CPU per stored point at that rate: {bestCpu}");
    }

    private const int WarmUpSeconds = 5;

    /// <summary>The runtime settings of deploy/systemd/citybrain-hub.service (its <c>Environment=</c> line, read, not copied).</summary>
    private static readonly (string Name, string Value)[] HubRuntimeEnvironment = UnitFileEnvironment.Read("citybrain-hub.service");

    private static string Breakdown(BenchHub hub)
    {
        var (rss, committed, heap) = hub.PeakBreakdown();
        return $"RSS {rss.RssKb / 1024.0:F1} MB = anonymous {rss.AnonKb / 1024.0:F1} + file-backed {rss.FileKb / 1024.0:F1} + shmem (JIT code, W^X) {rss.ShmemKb / 1024.0:F1}; GC heap peak {heap / 1048576.0:F1} MB, committed peak {committed / 1048576.0:F1} MB";
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
