using System.Text.Json.Nodes;
using CityBrain.Testing;
using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// The built <c>citybrain-hub</c> executable run as a separate process, so a SIGKILL is real. Its state (health
/// snapshot, notification outbox, dead letters) lives in its own temporary <see cref="Directory"/> unless the test's
/// hub.json names other paths: the defaults are the installed hub's <c>/var/lib/citybrain-hub/…</c>, which every run
/// on the machine would share (nodes of an earlier run restored into this one).
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("hub");
    private readonly string _configPath;
    private ServerProcess? _process;
    private string? _stoppedTail;

    private HubProcess(string json, int httpPort)
    {
        _configPath = _dir.Combine("hub.json");
        File.WriteAllText(_configPath, WithOwnState(json, _dir.Path));
        HttpPort = httpPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int HttpPort { get; }

    /// <summary>The process's working directory: hub.json, its log, and its state unless hub.json says otherwise.</summary>
    public string Directory => _dir.Path;

    /// <summary>The health snapshot's path when hub.json does not name one.</summary>
    public string DefaultSnapshotPath => _dir.Combine("health-registry.json");

    public HttpClient Http { get; }

    /// <summary>Path of the executable built next to this test project (same configuration).</summary>
    public static string Executable
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')); // tests/X/bin/{Configuration}/net10.0
            string configuration = testBin.Parent!.Name;
            string root = testBin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "hub", "CityBrain.Hub.Service", "bin", configuration, testBin.Name, "citybrain-hub");
        }
    }

    /// <summary>
    /// <paramref name="json"/> with <c>Hub:Health:SnapshotPath</c> and <c>Hub:Notifications:OutboxPath</c> under
    /// <paramref name="directory"/> where it does not set them (keys matched case-insensitively, as configuration does;
    /// an explicit value, even "" for no snapshot, is kept). Dead letters default to a relative directory, i.e. under the
    /// working directory, which is <paramref name="directory"/> already.
    /// </summary>
    public static string WithOwnState(string json, string directory)
    {
        var root = JsonNode.Parse(json, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!.AsObject();
        var hub = Section(root, "Hub");
        Section(hub, "Health").TryAdd("SnapshotPath", Path.Combine(directory, "health-registry.json"));
        Section(hub, "Notifications").TryAdd("OutboxPath", Path.Combine(directory, "notifications"));
        return root.ToJsonString();

        static JsonObject Section(JsonObject parent, string name)
        {
            if (parent[name] is JsonObject existing)
            {
                return existing;
            }

            var created = new JsonObject();
            parent[name] = created;
            return created;
        }
    }

    /// <param name="makeJson">Builds hub.json given the HTTP port chosen for this process.</param>
    public static async Task<HubProcess> StartAsync(Func<int, string> makeJson)
    {
        int port = FreePort.Get();
        var hub = new HubProcess(makeJson(port), port);
        await hub.StartProcessAsync();
        return hub;
    }

    public async Task StartProcessAsync()
    {
        _process = ServerProcess.Start("citybrain-hub", Executable, ["--config", _configPath], _dir.Path, "(build hub/CityBrain.Hub.Service)");
        var p = _process;
        await Poll.UntilAsync(
            async () =>
            {
                if (p.HasExited)
                {
                    throw new InvalidOperationException("citybrain-hub exited at start. " + p.Tail());
                }

                try
                {
                    using var response = await Http.GetAsync("healthz");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "citybrain-hub answered /healthz (connected to the broker)",
            () => p.Tail());
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing unwritten is acknowledged.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>SIGTERM, as systemd stops the service: returns the exit code (null if it had to be killed after 10 s).</summary>
    public async Task<int?> StopAsync()
    {
        if (_process is null)
        {
            return null;
        }

        await _process.StopAsync(TimeSpan.FromSeconds(10));
        int? code = _process.ExitCode;
        _stoppedTail = _process.Tail();
        await _process.DisposeAsync();
        _process = null;
        return code;
    }

    public async Task<long> MessagesWrittenAsync() => (await StatsAsync()).GetProperty("messagesWritten").GetInt64();

    public async Task<System.Text.Json.JsonElement> StatsAsync()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync("ingest/stats"));
        return doc.RootElement.Clone();
    }

    public string Tail() => _process?.Tail() ?? _stoppedTail ?? "(not running)";

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(5));
            await _process.DisposeAsync();
        }

        Http.Dispose();
        _dir.Dispose();
    }
}
