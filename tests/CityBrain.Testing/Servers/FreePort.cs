using System.Net;
using System.Net.Sockets;

namespace CityBrain.Testing.Servers;

/// <summary>Free loopback TCP ports for servers the tests start.</summary>
public static class FreePort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>True when something accepts a TCP connection on the loopback port now (tried for at most 500 ms).</summary>
    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until something accepts TCP connections on the loopback port, or throws with <paramref name="what"/> named.</summary>
    public static async Task WaitForListenerAsync(int port, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await AcceptsAsync(port))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{what} did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s. {diagnostics?.Invoke()}");
    }
}
