using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CityBrain.IntegrationTests.Hub;
using CityBrain.Testing;
using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Packaging;

/// <summary>
/// The packaged amd64 edge as systemd runs it: log lines keep their journald priority (<c>&lt;N&gt;</c> prefix) when
/// <c>JOURNAL_STREAM</c> is set, and it sends watchdog pings to <c>NOTIFY_SOCKET</c> (a socket this test binds).
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
public partial class EdgeSystemdIntegrationTests(DebPackages debs)
{
    [PackagingFact]
    public async Task JournalStream_EveryLogLineCarriesItsSyslogPriority()
    {
        await using var broker = await MosquittoServer.StartAsync();
        using var dir = new TempDirectory("edge-journal");
        string config = await PackagedEdge.WriteConfigAsync(dir, broker.Port);

        await using var edge = PackagedEdge.Start(debs.EdgeAmd64, dir, config, new Dictionary<string, string?> { ["JOURNAL_STREAM"] = "8:12345" });
        await Poll.UntilAsync(() => edge.HasExited || File.ReadAllText(edge.LogPath).Contains("starting with 2 sensors", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the edge logged its start");
        await edge.StopAsync(TimeSpan.FromSeconds(20));

        var lines = File.ReadAllLines(edge.LogPath).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(PriorityPrefix(), l));
        Assert.Contains(lines, l => l.StartsWith("<6>CityBrain.Edge.Hosting.EdgeNode", StringComparison.Ordinal)); // information = 6
    }

    [PackagingFact]
    public async Task NotifySocket_WatchdogPings_WhileThePipelineMoves()
    {
        await using var broker = await MosquittoServer.StartAsync();
        using var dir = new TempDirectory("edge-notify");
        string config = await PackagedEdge.WriteConfigAsync(dir, broker.Port);
        string socketPath = dir.Combine("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        // WatchdogSec=2: a ping every second.
        await using var edge = PackagedEdge.Start(debs.EdgeAmd64, dir, config, new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = socketPath,
            ["WATCHDOG_USEC"] = "2000000",
        });

        var received = new List<string>();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (received.Count(m => m == "WATCHDOG=1") < 4)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            received.Add(Encoding.UTF8.GetString(buffer, 0, n).Trim());
        }

        // READY=1 comes from AddSystemd's lifetime, which it uses only when systemd itself is the parent process.
        Assert.All(received, m => Assert.Equal("WATCHDOG=1", m));
        Assert.False(edge.HasExited, edge.Tail());
        Assert.Contains("systemd watchdog: 2 s", File.ReadAllText(edge.LogPath), StringComparison.Ordinal);
        await edge.StopAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, edge.ExitCode);
    }

    [GeneratedRegex(@"^<[0-7]>\S")]
    private static partial Regex PriorityPrefix();
}
