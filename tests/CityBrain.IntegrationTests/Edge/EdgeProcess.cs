using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>The built <c>citybrain-edge</c> executable run as a separate process, so a SIGKILL is real. Its directory (config,
/// disk buffer) survives kills and restarts until disposed.</summary>
public sealed class EdgeProcess : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("edge-proc");
    private readonly IReadOnlyList<string> _environment;
    private ServerProcess? _process;

    private EdgeProcess(Func<string, string> configForBufferPath, IReadOnlyList<string> environment)
    {
        _environment = environment;
        BufferPath = _dir.Combine("buffer");
        ConfigPath = _dir.Combine("node.json");
        File.WriteAllText(ConfigPath, configForBufferPath(BufferPath));
    }

    public string BufferPath { get; }

    public string ConfigPath { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Path of the executable built next to this test project (same configuration).</summary>
    public static string Executable
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')); // tests/X/bin/{Configuration}/net10.0
            string configuration = testBin.Parent!.Name;
            string root = testBin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "edge", "CityBrain.Edge.Service", "bin", configuration, testBin.Name, "citybrain-edge");
        }
    }

    /// <param name="environment">Extra <c>NAME=value</c> variables (e.g. LD_PRELOAD of libfaketime); the process is then started through env(1).</param>
    public static EdgeProcess Start(Func<string, string> configForBufferPath, IReadOnlyList<string>? environment = null)
    {
        var edge = new EdgeProcess(configForBufferPath, environment ?? []);
        edge.StartProcess();
        return edge;
    }

    /// <summary>Starts the process (again) with the same config and buffer directory.</summary>
    public void StartProcess()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("citybrain-edge is already running");
        }

        _process = _environment.Count == 0
            ? ServerProcess.Start("citybrain-edge", Executable, ["--config", ConfigPath], _dir.Path, "(build edge/CityBrain.Edge.Service)")
            : ServerProcess.Start("citybrain-edge", "/usr/bin/env", [.. _environment, Executable, "--config", ConfigPath], _dir.Path, "coreutils");
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Throws with the log tail if the process died on its own.</summary>
    public void AssertAlive()
    {
        if (_process is { HasExited: true })
        {
            throw new InvalidOperationException("citybrain-edge exited: " + _process.Tail());
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; throws with the log tail on timeout or if the process died.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            AssertAlive();
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}. Edge log: {Tail()}");
            }

            await Task.Delay(50);
        }
    }

    public string Tail() => _process?.Tail(40) ?? "(not running)";

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(10));
            await _process.DisposeAsync();
        }

        _dir.Dispose();
    }
}
