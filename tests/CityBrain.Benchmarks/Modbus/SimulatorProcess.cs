using System.Diagnostics;
using System.Globalization;
using CityBrain.Testing.Servers;

namespace CityBrain.Benchmarks.Modbus;

/// <summary>
/// Our simulator in its own process (<c>citybrain simulate modbus</c>), so our client and libmodbus's are measured
/// symmetrically: each in a process of its own against the same server process. Stopped by PID on dispose.
/// </summary>
internal sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SimulatorProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static string? FindCli()
    {
        string path = Path.Combine(Environment.CurrentDirectory, "firmware-config", "CityBrain.Provisioning.Cli", "bin", "Release", "net10.0", "citybrain.dll");
        return File.Exists(path) ? path : null;
    }

    public static async Task<SimulatorProcess> StartAsync(string cliDll, string template, byte unit, CancellationToken cancellationToken)
    {
        int port = FreePort.Get();

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { cliDll, "simulate", "modbus", "--template", template, "--tcp", $"127.0.0.1:{port}", "--unit", unit.ToString(CultureInfo.InvariantCulture), "--update-ms", "1000" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the simulator");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var simulator = new SimulatorProcess(process, port);
        var watch = Stopwatch.StartNew();
        while (!await FreePort.AcceptsAsync(port))
        {
            if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                await simulator.DisposeAsync();
                throw new InvalidOperationException("the simulator process did not start listening");
            }

            await Task.Delay(100, cancellationToken);
        }

        return simulator;
    }

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
