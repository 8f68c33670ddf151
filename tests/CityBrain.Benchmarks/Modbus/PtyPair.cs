using System.Diagnostics;

namespace CityBrain.Benchmarks.Modbus;

/// <summary>A socat pty pair for the RTU benchmark; socat is stopped by PID on dispose.</summary>
internal sealed class PtyPair : IAsyncDisposable
{
    private readonly Process _socat;
    private readonly string _folder;

    private PtyPair(Process socat, string folder)
    {
        _socat = socat;
        _folder = folder;
    }

    public string A => Path.Combine(_folder, "a");

    public string B => Path.Combine(_folder, "b");

    public static async Task<PtyPair> StartAsync(CancellationToken cancellationToken)
    {
        string folder = Directory.CreateTempSubdirectory("citybrain-bench-pty-").FullName;
        var info = new ProcessStartInfo("socat") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in new[] { "-d", "-d", $"pty,raw,echo=0,link={folder}/a", $"pty,raw,echo=0,link={folder}/b" })
        {
            info.ArgumentList.Add(argument);
        }

        var socat = Process.Start(info) ?? throw new InvalidOperationException("cannot start socat (apt-get install -y socat)");
        var pair = new PtyPair(socat, folder);
        var deadline = Stopwatch.StartNew();
        while (!(File.Exists(pair.A) && File.Exists(pair.B)))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10) || socat.HasExited)
            {
                await pair.DisposeAsync();
                throw new InvalidOperationException("socat did not create the pty pair");
            }

            await Task.Delay(50, cancellationToken);
        }

        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_socat.HasExited)
        {
            _socat.Kill(entireProcessTree: true);
            await _socat.WaitForExitAsync();
        }

        _socat.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
