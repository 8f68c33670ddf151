using System.ComponentModel;
using System.Diagnostics;

namespace CityBrain.Testing.Servers;

/// <summary>
/// A real server binary (mosquitto, influxd, victoria-metrics, python peers) run by a test: output goes to a log file
/// in the server's own temp directory; it is stopped by PID (SIGTERM, then SIGKILL) on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string logPath, string name)
    {
        _process = process;
        LogPath = logPath;
        Name = name;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited, else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts <paramref name="fileName"/>; if it is not installed, the error names the Debian package to install.</summary>
    /// <param name="environment">Variables set (or, with a null value, removed) for the process.</param>
    public static ServerProcess Start(string name, string fileName, IEnumerable<string> arguments, string workDir, string debianPackage, IReadOnlyDictionary<string, string?>? environment = null)
    {
        if (!File.Exists(fileName))
        {
            throw new InvalidOperationException(
                $"{name}: '{fileName}' is not installed. Install the Debian package: apt-get install -y {debianPackage} (.ci/run does this).");
        }

        Directory.CreateDirectory(workDir);
        string logPath = Path.Combine(workDir, name + ".log");
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            psi.Environment[key] = value;
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { log.WriteLine(e.Data); } } };
        process.Exited += (_, _) => { lock (gate) { log.Flush(); } };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            log.Dispose();
            throw new InvalidOperationException($"{name}: could not start '{fileName}': {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, logPath, name);
    }

    /// <summary>
    /// Waits until GET <paramref name="path"/> answers with a success status, or throws naming the server with the
    /// end of its log (also when the process exits first).
    /// </summary>
    public async Task WaitForHttpAsync(HttpClient http, string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline || HasExited)
            {
                throw new TimeoutException($"{Name} did not answer {http.BaseAddress}{path} within {timeout.TotalSeconds:0} s. {Tail()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The last lines of the server's log, for error messages.</summary>
    public string Tail(int lines = 20)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return $"{Name} log ({LogPath}):\n" + string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return $"{Name} log unavailable";
        }
    }

    /// <summary>Kills the process at once (SIGKILL), like a power cut or OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await WaitExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Asks the process to stop (SIGTERM) and kills it if it has not stopped within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }
        }

        if (!await WaitExitAsync(grace))
        {
            await KillAsync();
        }
    }

    private async Task<bool> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }
}
