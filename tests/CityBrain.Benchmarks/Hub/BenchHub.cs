using System.Globalization;
using System.Text.Json;
using CityBrain.Testing;
using CityBrain.Testing.Servers;

namespace CityBrain.Benchmarks.Hub;

/// <summary>citybrain-hub as a separate process for the benchmark, with its stats endpoint and /proc figures.</summary>
public sealed class BenchHub : IAsyncDisposable
{
    /// <summary>
    /// A persistent session, but short: each scenario's hub has its own client id, and a day-long session of a stopped
    /// hub would make the broker queue every later scenario's messages for it (broker CPU and memory, not the hub's).
    /// </summary>
    private const int SessionExpirySeconds = 2;

    private readonly TempDirectory _dir;
    private readonly ServerProcess _process;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _samplerStop = new();
    private Task _sampler = Task.CompletedTask;
    private Task _viewer = Task.CompletedTask;
    private long _viewEvents;
    private long _viewBytes;
    private readonly object _peakLock = new();
    private RssSample _peak;
    private long _peakGcCommitted;
    private long _peakGcHeap;

    private BenchHub(TempDirectory dir, ServerProcess process, HttpClient http)
    {
        _dir = dir;
        _process = process;
        _http = http;
    }

    /// <summary>One /proc/PID/status reading, kB: anonymous (GC heap, native heap, stacks), file-backed (mapped DLLs and
    /// .so files, including the runtime), shared memory (the JIT's double-mapped code heap, W^X).</summary>
    public readonly record struct RssSample(long RssKb, long AnonKb, long FileKb, long ShmemKb);

    /// <summary>The sampled reading with the largest resident set (every 100 ms; VmHWM is the exact peak), and the largest
    /// GC committed / heap sizes seen on /ingest/stats (every 500 ms).</summary>
    public (RssSample Rss, long GcCommittedBytes, long GcHeapBytes) PeakBreakdown()
    {
        lock (_peakLock)
        {
            return (_peak, _peakGcCommitted, _peakGcHeap);
        }
    }

    /// <summary>
    /// Samples until disposed, started once the hub answers /healthz. It used to start with the process and end at the
    /// first failed stats request: a hub still starting (connection refused at the 500 ms poll) ended it, and the
    /// "sampled peak" then showed a start-up RSS and a GC heap peak of 0 next to a VmHWM of 158 MB. A failed or slow
    /// stats request now skips that GC reading only; sampling ends when the hub process has exited.
    /// </summary>
    private async Task SampleAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        int tick = 0;
        Task<JsonElement>? pendingStats = null;
        try
        {
            while (await timer.WaitForNextTickAsync(ct) && !_process.HasExited)
            {
                RssSample sample;
                try
                {
                    sample = new RssSample(ProcStatus("VmRSS:"), ProcStatus("RssAnon:"), ProcStatus("RssFile:"), ProcStatus("RssShmem:"));
                }
                catch (IOException)
                {
                    break; // /proc/PID is gone: the hub exited
                }

                long committed = -1, heap = -1;
                if (pendingStats is { IsCompleted: true })
                {
                    if (!pendingStats.IsCompletedSuccessfully)
                    {
                        _ = pendingStats.Exception; // observed: a failed reading is skipped
                    }
                    else
                    {
                        committed = pendingStats.Result.GetProperty("gcCommittedBytes").GetInt64();
                        heap = pendingStats.Result.GetProperty("gcHeapBytes").GetInt64();
                    }

                    pendingStats = null;
                }

                // Not awaited: a stats request slowed by a loaded hub must not stop the RSS samples (every 100 ms).
                if (++tick % 5 == 0 && pendingStats is null)
                {
                    pendingStats = StatsAsync(ct);
                }

                lock (_peakLock)
                {
                    if (sample.RssKb > _peak.RssKb)
                    {
                        _peak = sample;
                    }

                    _peakGcCommitted = Math.Max(_peakGcCommitted, committed);
                    _peakGcHeap = Math.Max(_peakGcHeap, heap);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed: the peak so far stands.
        }

        if (pendingStats is not null)
        {
            try
            {
                await pendingStats;
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or InvalidOperationException)
            {
                // The last request of a stopping hub.
            }
        }
    }

    /// <summary>Environment variable with the hub's <c>Hub:Columns</c> (comma-separated) for the benchmark hubs.</summary>
    public const string ColumnsVariable = "CITYBRAIN_BENCH_COLUMNS";

    private static readonly JsonSerializerOptions SkipNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <param name="environment">Variables set (null value: removed) for the hub process only; null: it inherits ours.</param>
    /// <param name="batching">The <c>Hub:Batching</c> section; null: 5,000 lines, 50 ms, a queue of 500 messages.</param>
    /// <param name="moreSinks">Sinks after <paramref name="sink"/>, e.g. the departments' per-domain databases.</param>
    public static async Task<BenchHub> StartAsync(
        string exe, int brokerPort, object sink, string clientId, CancellationToken ct, IReadOnlyDictionary<string, string?>? environment = null, object? batching = null, IReadOnlyList<object>? moreSinks = null)
    {
        var dir = new TempDirectory("hub-bench");
        int http = FreePort.Get();
        string config = dir.Combine("hub.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Hub = new
            {
                InstanceName = "bench",
                Mqtt = new { Host = "127.0.0.1", Port = brokerPort, ClientId = clientId, SessionExpirySeconds = SessionExpirySeconds, ReceiveMaximum = int.TryParse(Environment.GetEnvironmentVariable("CITYBRAIN_BENCH_RECEIVE_MAXIMUM"), out int rm) ? rm : 2000 },
                Sinks = new[] { sink }.Concat(moreSinks ?? []).ToArray(),
                Batching = batching ?? new { MaxLines = 5000, MaxDelayMilliseconds = 50, QueueCapacity = 500 },

                // Hub:Columns (null = the documented schema, value + quality + seq); `citybrain-bench hub --columns value` sets it.
                Columns = Environment.GetEnvironmentVariable(ColumnsVariable)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                HttpPort = http,

                // Its own snapshot (the default path is machine-wide: every earlier run's nodes would be restored).
                Health = new { SnapshotPath = dir.Combine("health-registry.json") },

                // The deployed alert rules (deploy/hub.example.json): the hub is measured with the work it does in a city.
                Alerts = DeployedAlerts(),
            },
            Logging = new { LogLevel = new { Default = "Warning" } },
        }, SkipNulls), ct);
        var process = ServerProcess.Start("citybrain-hub", exe, ["--config", config], dir.Path, "(build hub/CityBrain.Hub.Service)", environment);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}/"), Timeout = TimeSpan.FromSeconds(10) };
        var hub = new BenchHub(dir, process, client);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("citybrain-hub did not become healthy: " + process.Tail());
            }

            try
            {
                using var r = await client.GetAsync("healthz", ct);
                if (r.IsSuccessStatusCode)
                {
                    hub._sampler = hub.SampleAsync(hub._samplerStop.Token);
                    hub._viewer = hub.WatchAsync(hub._samplerStop.Token);
                    return hub;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>Events and bytes the operator watching the live view (one /api/events client, the whole city) received.</summary>
    public (long Events, long Bytes) ViewReceived => (Interlocked.Read(ref _viewEvents), Interlocked.Read(ref _viewBytes));

    /// <summary>The <c>Hub:Alerts</c> section of deploy/hub.example.json.</summary>
    private static System.Text.Json.Nodes.JsonNode? DeployedAlerts()
    {
        string path = Path.Combine(RepoPaths.Root, "deploy", "hub.example.json");
        return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["Hub"]?["Alerts"]?.DeepClone()
            ?? throw new InvalidOperationException($"{path} has no Hub:Alerts section");
    }

    /// <summary>An operator with the live page open for the whole run: reads /api/events (Server-Sent Events) and counts it.</summary>
    private async Task WatchAsync(CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
            using var client = new HttpClient { BaseAddress = _http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                Interlocked.Add(ref _viewBytes, read);
                Interlocked.Add(ref _viewEvents, CountEvents(buffer.AsSpan(0, read)));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            // Stopped with the benchmark, or the hub went away: what was received is counted.
        }

        static int CountEvents(ReadOnlySpan<byte> bytes)
        {
            int count = 0;
            for (int at; (at = bytes.IndexOf("event: "u8)) >= 0; bytes = bytes[(at + 7)..])
            {
                count++;
            }

            return count;
        }
    }

    public async Task<JsonElement> StatsAsync(CancellationToken ct)
    {
        string json;
        try
        {
            json = await _http.GetStringAsync("ingest/stats", ct);
        }
        catch (HttpRequestException ex)
        {
            if (!await ExitedAsync())
            {
                throw;
            }

            // e.g. exit 70 after a fatal error under a GC heap cap: say so instead of a connection-refused stack trace.
            throw new InvalidOperationException("citybrain-hub exited during the run; its last log lines:\n" + _process.Tail(120), ex);
        }

        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>
    /// True when the hub has exited or exits within 5 s: a refused connection comes while a dying process is not yet
    /// reaped, and the benchmark then ended on an unhandled "connection refused" without the hub's log.
    /// </summary>
    private async Task<bool> ExitedAsync()
    {
        for (int i = 0; i < 50 && !_process.HasExited; i++)
        {
            await Task.Delay(100);
        }

        return _process.HasExited;
    }

    /// <summary>
    /// The hub's garbage collections so far per generation (prometheus-net's <c>dotnet_collection_count_total</c> on
    /// /metrics), e.g. "gen0 812, gen1 95, gen2 7": shows whether a GC setting is honoured.
    /// </summary>
    public async Task<string> GcCountsAsync(CancellationToken ct)
    {
        string metrics = await _http.GetStringAsync("metrics", ct);
        var counts = metrics.Split('\n')
            .Where(l => l.StartsWith("dotnet_collection_count_total{generation=\"", StringComparison.Ordinal))
            .Select(l => (Generation: l.Split('"')[1], Count: l[(l.LastIndexOf(' ') + 1)..]))
            .OrderBy(g => g.Generation, StringComparer.Ordinal)
            .Select(g => $"gen{g.Generation} {g.Count}");
        return string.Join(", ", counts);
    }

    /// <summary>Polls until the hub has stored <paramref name="published"/> messages.</summary>
    public async Task<bool> WaitDrainedAsync(long published, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if ((await StatsAsync(ct)).GetProperty("messagesWritten").GetInt64() >= published)
            {
                return true;
            }

            await Task.Delay(50, ct);
        }

        return false;
    }

    /// <summary>VmHWM: the peak resident set of the hub process, in kB.</summary>
    public long PeakRssKb() => ProcStatus("VmHWM:");

    /// <summary>User + system CPU seconds of the hub process so far.</summary>
    public double CpuSeconds()
    {
        string[] f = File.ReadAllText($"/proc/{_process.Pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private long ProcStatus(string key)
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _samplerStop.CancelAsync();
        await _sampler;
        await _viewer;
        _samplerStop.Dispose();
        int pid = _process.Pid;
        await _process.StopAsync(TimeSpan.FromSeconds(5));
        await _process.DisposeAsync();

        // CITYBRAIN_BENCH_HUB_LOG=DIR keeps the hub's stdout/stderr (its temp directory is deleted below).
        if (Environment.GetEnvironmentVariable("CITYBRAIN_BENCH_HUB_LOG") is { Length: > 0 } keep && File.Exists(_process.LogPath))
        {
            Directory.CreateDirectory(keep);
            File.Copy(_process.LogPath, Path.Combine(keep, $"citybrain-hub-{pid}.log"), overwrite: true);
        }

        _http.Dispose();
        _dir.Dispose();
    }
}
