using System.Diagnostics;
using System.Globalization;

namespace CityBrain.Benchmarks.Chain;

/// <summary>
/// Runs <see cref="ModbusSimCommand"/> (<c>citybrain-bench modbus-sim</c>) as a child process and asks it for its
/// request count. Stopped by PID on dispose (closing its stdin ends it; killed if it does not exit).
/// </summary>
internal sealed class ModbusSimProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private ModbusSimProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public static async Task<ModbusSimProcess> StartAsync(string template, int units, CancellationToken ct)
    {
        string self = Path.Combine(AppContext.BaseDirectory, "citybrain-bench.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { self, "modbus-sim", "--template", template, "--units", units.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        // The deployed services' GC settings are set for the edge and hub only: this JIT process keeps the runtime's defaults.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the modbus-sim process");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the modbus-sim process did not start listening (it said: {line ?? "nothing"})");
        }

        return new ModbusSimProcess(process, int.Parse(line["listening ".Length..], CultureInfo.InvariantCulture));
    }

    /// <summary>Requests the simulator has answered so far.</summary>
    public async Task<long> RequestsAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await _process.StandardInput.WriteLineAsync("count");
            await _process.StandardInput.FlushAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            string? line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            return line is not null && line.StartsWith("requests ", StringComparison.Ordinal)
                ? long.Parse(line["requests ".Length..], CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"the modbus-sim process answered '{line}' to count");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        _gate.Dispose();
    }
}
