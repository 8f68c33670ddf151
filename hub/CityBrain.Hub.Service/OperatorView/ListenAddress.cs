using System.Net;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>One parsed <see cref="OperatorViewOptions.Listen"/> entry.</summary>
public readonly record struct ListenAddress(string Host, int Port, IPAddress? Address, bool IsLoopback, bool IsHttps = false)
{
    /// <summary>Parses <c>http://host:port</c> or <c>https://host:port</c>; host may be an IP, <c>localhost</c>, or <c>*</c>/<c>+</c>/<c>0.0.0.0</c> for every address.</summary>
    public static bool TryParse(string text, out ListenAddress address)
    {
        address = default;
        string t = text.Trim();
        bool https = t.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (!https && !t.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string hostPort = t[(https ? "https://".Length : "http://".Length)..].TrimEnd('/');
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            return false;
        }

        string host = hostPort[..colon].Trim('[', ']');
        if (host is "*" or "+")
        {
            address = new ListenAddress(host, port, IPAddress.IPv6Any, false, https);
            return true;
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = new ListenAddress(host, port, null, true, https);
            return true;
        }

        if (!IPAddress.TryParse(host, out var ip))
        {
            return false;
        }

        address = new ListenAddress(host, port, ip, IPAddress.IsLoopback(ip), https);
        return true;
    }

    public override string ToString() => $"{(IsHttps ? "https" : "http")}://{Host}:{Port}";
}
