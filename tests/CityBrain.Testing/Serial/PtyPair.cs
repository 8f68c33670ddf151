using CityBrain.Testing.Servers;

namespace CityBrain.Testing.Serial;

/// <summary>
/// A socat pseudo-terminal pair (Debian package <c>socat</c>): two linked serial devices in a temp folder, like the two
/// ends of an RS-485 line. socat is stopped by PID on dispose.
/// </summary>
public sealed class PtyPair : IAsyncDisposable
{
    private readonly ServerProcess _socat;
    private readonly TempDirectory _folder;

    private PtyPair(ServerProcess socat, TempDirectory folder)
    {
        _socat = socat;
        _folder = folder;
    }

    public string A => _folder.Combine("a");

    public string B => _folder.Combine("b");

    public static async Task<PtyPair> StartAsync(CancellationToken cancellationToken = default)
    {
        var folder = new TempDirectory("pty");
        var socat = ServerProcess.Start("socat", "/usr/bin/socat", ["-d", "-d", $"pty,raw,echo=0,link={folder.Path}/a", $"pty,raw,echo=0,link={folder.Path}/b"], folder.Path, "socat");
        var pair = new PtyPair(socat, folder);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(File.Exists(pair.A) && File.Exists(pair.B)))
        {
            if (DateTime.UtcNow > deadline || socat.HasExited)
            {
                string tail = socat.Tail();
                await pair.DisposeAsync();
                throw new InvalidOperationException("socat did not create the pty pair. " + tail);
            }

            await Task.Delay(20, cancellationToken);
        }

        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await _socat.DisposeAsync();
        _folder.Dispose();
    }
}
