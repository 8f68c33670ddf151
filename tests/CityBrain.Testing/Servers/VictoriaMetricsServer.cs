using System.Text.Json;

namespace CityBrain.Testing.Servers;

/// <summary>
/// A real VictoriaMetrics single node (Debian package <c>victoria-metrics</c>) on a free loopback port; it accepts the
/// InfluxDB v2 write API (<c>/api/v2/write</c>) that InfluxDB.Client speaks. Retention is one month, so tests
/// write current timestamps. Series are named <c>{measurement}_{field}</c>.
/// </summary>
public sealed class VictoriaMetricsServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/victoria-metrics";

    private readonly TempDirectory _dir = new("vm");
    private ServerProcess? _process;

    private VictoriaMetricsServer(int port)
    {
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public HttpClient Http { get; }

    public static async Task<VictoriaMetricsServer> StartAsync()
    {
        var server = new VictoriaMetricsServer(FreePort.Get());
        await server.StartProcessAsync();
        return server;
    }

    public async Task StartProcessAsync()
    {
        _process = ServerProcess.Start(
            "victoria-metrics",
            Binary,
            [$"-httpListenAddr=127.0.0.1:{Port}", $"-storageDataPath={_dir.Combine("data")}", "-retentionPeriod=1", "-loggerLevel=WARN", "-search.latencyOffset=0s"],
            _dir.Path,
            "victoria-metrics");
        await _process.WaitForHttpAsync(Http, "health", TimeSpan.FromSeconds(30));
    }

    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(10));
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Makes recently written samples searchable.</summary>
    public async Task FlushAsync()
    {
        using var response = await Http.GetAsync("internal/force_flush");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Exports raw samples of every series matching <paramref name="selector"/> (e.g. <c>{__name__=~"pm2_5_.*"}</c>).</summary>
    public async Task<IReadOnlyList<ExportedSeries>> ExportAsync(string selector)
    {
        await FlushAsync();
        using var content = new FormUrlEncodedContent([new("match[]", selector)]);
        using var response = await Http.PostAsync("api/v1/export", content);
        response.EnsureSuccessStatusCode();
        string body = await response.Content.ReadAsStringAsync();
        var result = new List<ExportedSeries>();
        foreach (string line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var labels = doc.RootElement.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            var values = doc.RootElement.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var stamps = doc.RootElement.GetProperty("timestamps").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            result.Add(new ExportedSeries(labels, values, stamps));
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
            await _process.DisposeAsync();
        }

        Http.Dispose();
        _dir.Dispose();
    }
}
