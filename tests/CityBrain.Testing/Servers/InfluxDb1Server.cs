using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace CityBrain.Testing.Servers;

/// <summary>
/// A real InfluxDB 1.x (Debian package <c>influxdb</c>, 1.6: v1 <c>/write</c> API only) on free loopback ports, with
/// its data in a temp directory. <see cref="QueryAsync"/> runs InfluxQL and returns rows with epoch-ms times.
/// </summary>
public sealed class InfluxDb1Server : IAsyncDisposable
{
    public const string Binary = "/usr/bin/influxd";

    private readonly TempDirectory _dir = new("influx1");
    private readonly int _rpcPort = FreePort.Get();
    private ServerProcess? _process;
    private bool _auth;

    /// <summary>The administrator <see cref="StartWithAuthAsync"/> creates; <see cref="Http"/> sends its credentials.</summary>
    public const string AdminUser = "admin";

    public const string AdminPassword = "admin-secret-1";

    private InfluxDb1Server(int port)
    {
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public HttpClient Http { get; }

    public static async Task<InfluxDb1Server> StartAsync()
    {
        var server = new InfluxDb1Server(FreePort.Get());
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>
    /// A server with authentication on (<c>auth-enabled</c>) and an administrator (<see cref="AdminUser"/>), whose
    /// credentials <see cref="Http"/> sends: for tests of users and grants.
    /// </summary>
    public static async Task<InfluxDb1Server> StartWithAuthAsync()
    {
        var server = new InfluxDb1Server(FreePort.Get()) { _auth = true };
        await server.StartProcessAsync();

        // With no user yet, InfluxDB lets anyone create the first one, which must be an administrator.
        await server.ExecuteAsync($"CREATE USER \"{AdminUser}\" WITH PASSWORD '{AdminPassword}' WITH ALL PRIVILEGES");
        server.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{AdminUser}:{AdminPassword}")));
        return server;
    }

    /// <summary>Runs a statement that changes something (POST /query); throws with InfluxDB's answer when it fails.</summary>
    public async Task ExecuteAsync(string influxQl)
    {
        using var content = new FormUrlEncodedContent([new("q", influxQl)]);
        using var response = await Http.PostAsync("query", content);
        string body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || body.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"InfluxQL '{influxQl}' failed: HTTP {(int)response.StatusCode} {body}");
        }
    }

    public async Task StartProcessAsync()
    {
        string conf = _dir.Combine("influxdb.conf");
        await File.WriteAllTextAsync(conf, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{_rpcPort}"
            [meta]
              dir = "{_dir.Path}/meta"
            [data]
              dir = "{_dir.Path}/data"
              wal-dir = "{_dir.Path}/wal"
              query-log-enabled = false
            [monitor]
              store-enabled = false
            [http]
              enabled = true
              bind-address = "127.0.0.1:{Port}"
              log-enabled = false
              max-body-size = 0
              auth-enabled = {(_auth ? "true" : "false")}
            [subscriber]
              enabled = false
            [continuous_queries]
              enabled = false
            """);
        _process = ServerProcess.Start("influxd", Binary, ["-config", conf], _dir.Path, "influxdb");
        await _process.WaitForHttpAsync(Http, "ping", TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops the server (SIGTERM), keeping its data for <see cref="StartProcessAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(10));
            await _process.DisposeAsync();
            _process = null;
        }
    }

    public async Task CreateDatabaseAsync(string database)
    {
        using var content = new FormUrlEncodedContent([new("q", $"CREATE DATABASE \"{database}\"")]);
        using var response = await Http.PostAsync("query", content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs an InfluxQL query; returns every row of every series as column → value, with tags included.</summary>
    public async Task<IReadOnlyList<Dictionary<string, JsonElement>>> QueryAsync(string database, string influxQl)
    {
        string url = $"query?db={Uri.EscapeDataString(database)}&epoch=ms&q={Uri.EscapeDataString(influxQl)}";
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(url));
        var rows = new List<Dictionary<string, JsonElement>>();
        foreach (var result in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"InfluxQL error for '{influxQl}': {error}");
            }

            if (!result.TryGetProperty("series", out var series))
            {
                continue;
            }

            foreach (var s in series.EnumerateArray())
            {
                var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
                foreach (var values in s.GetProperty("values").EnumerateArray())
                {
                    var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
                    {
                        ["_measurement"] = JsonDocument.Parse(JsonSerializer.Serialize(s.GetProperty("name").GetString())).RootElement.Clone(),
                    };
                    if (s.TryGetProperty("tags", out var tags))
                    {
                        foreach (var t in tags.EnumerateObject())
                        {
                            row[t.Name] = t.Value.Clone();
                        }
                    }

                    int i = 0;
                    foreach (var v in values.EnumerateArray())
                    {
                        row[columns[i++]] = v.Clone();
                    }

                    rows.Add(row);
                }
            }
        }

        return rows;
    }

    /// <summary>Number of points in a measurement (0 when it does not exist).</summary>
    public async Task<long> CountAsync(string database, string measurement, string field = "value")
    {
        var rows = await QueryAsync(database, $"SELECT count(\"{field}\") FROM \"{measurement}\"");
        return rows.Count == 0 ? 0 : rows.Sum(r => r["count"].GetInt64());
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

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"InfluxDB 1.x at {Url}");
}
