using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityBrain.Provisioning.Schemas;

namespace CityBrain.Provisioning.Cli.Tests;

/// <summary>The built <c>citybrain</c> command (firmware-config/CityBrain.Provisioning.Cli/bin/{Configuration}/net10.0/citybrain.dll) run as a process.</summary>
public sealed class CliRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CliRun(Process process)
    {
        _process = process;
    }

    public static string Dll
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')); // tests/X/bin/{Configuration}/net10.0
            return Testing.RepoPaths.Combine("firmware-config", "CityBrain.Provisioning.Cli", "bin", testBin.Parent!.Name, testBin.Name, "citybrain.dll");
        }
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the command in the background (simulate, scan before Ctrl-C).</summary>
    public static CliRun Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        var run = new CliRun(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (run._stdout) { run._stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (run._stderr) { run._stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return run;
    }

    /// <summary>Runs the command to its end (at most <paramref name="timeoutSeconds"/>).</summary>
    public static async Task<CliRun> RunAsync(string[] args, int timeoutSeconds = 60)
    {
        var run = Start(args);
        await run.WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));
        return run;
    }

    public async Task WaitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        _process.WaitForExit(); // flushes the output events
    }

    /// <summary>Waits until stdout contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException($"'{text}' not printed; stdout: {Stdout} stderr: {Stderr}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Ctrl-C: SIGINT to the process.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>The --json output, checked against cli-output.v1.</summary>
    public JsonObject Json() => CheckedJson(Stdout);

    /// <summary><paramref name="stdout"/> of a --json run, checked against cli-output.v1.</summary>
    public static JsonObject CheckedJson(string stdout)
    {
        using var document = JsonDocument.Parse(stdout);
        var errors = SchemaCheck.Evaluate(EmbeddedSchemas.Get(EmbeddedSchemas.CliOutput), document.RootElement);
        Assert.True(errors.Count == 0, $"--json output breaks cli-output.v1: {string.Join("; ", errors)}\n{stdout}");
        return JsonNode.Parse(stdout)!.AsObject();
    }

    public override string ToString() => $"exit {(_process.HasExited ? ExitCode : -1)}\nstdout: {Stdout}\nstderr: {Stderr}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
