namespace CityBrain.Modbus.Tests.Interop;

/// <summary>A socat pseudo-terminal pair: two linked serial devices in a temp folder, like two ends of an RS-485 line.</summary>
internal sealed class PtyPair : IAsyncDisposable
{
    private readonly PeerProcess _socat;
    private readonly string _folder;

    private PtyPair(PeerProcess socat, string folder)
    {
        _socat = socat;
        _folder = folder;
    }

    public string A => Path.Combine(_folder, "a");

    public string B => Path.Combine(_folder, "b");

    public static async Task<PtyPair> StartAsync()
    {
        string socat = PeerProcess.Require("socat", "socat");
        string folder = Directory.CreateTempSubdirectory("citybrain-pty-").FullName;
        var process = PeerProcess.Start(socat, "-d", "-d", $"pty,raw,echo=0,link={folder}/a", $"pty,raw,echo=0,link={folder}/b");
        var pair = new PtyPair(process, folder);
        await process.WaitUntilAsync(() => Task.FromResult(File.Exists(pair.A) && File.Exists(pair.B)), TimeSpan.FromSeconds(10), "socat's pty links");
        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await _socat.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
