using System.Diagnostics;
using System.Text;

namespace CityBrain.Modbus.Tests.Interop;

/// <summary>
/// A peer program (pymodbus, socat, mbpoll) started for a test and stopped by PID when disposed, with its output
/// captured for failure messages. A missing program fails the test naming the apt package to install.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PeerProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Fails with the apt package name when <paramref name="program"/> is not installed.</summary>
    public static string Require(string program, string aptPackages)
    {
        string? path = program.StartsWith('/') ? program : Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
        if (path is null || !File.Exists(path))
        {
            throw new Xunit.Sdk.XunitException($"Interop peer '{program}' is missing: install it with `apt-get install -y {aptPackages}`.");
        }

        return path;
    }

    public static PeerProcess Start(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var peer = new PeerProcess(process);
        process.OutputDataReceived += (_, e) => peer.Append(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Runs a short-lived program to completion within <paramref name="timeout"/>; returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, string program, params string[] arguments)
    {
        await using var peer = Start(program, arguments);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await peer._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{program} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds} s. Output: {peer.Output}");
        }

        peer._process.WaitForExit();
        return (peer._process.ExitCode, peer.Output);
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until true, failing after <paramref name="timeout"/> with the peer's output.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited)
            {
                throw new Xunit.Sdk.XunitException($"Peer exited before {what}. Output: {Output}");
            }

            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}. Output: {Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
