namespace CityBrain.Hub.Service.OperatorView;

/// <summary>Options of the operators' view (section <c>Hub:OperatorView</c>); see docs/operator-view.md.</summary>
public sealed class OperatorViewOptions
{
    public const string Section = "Hub:OperatorView";

    /// <summary>
    /// Where Kestrel listens, one or more <c>http://host:port</c> or <c>https://host:port</c> separated by ';'. Loopback
    /// by default; any other address requires a token, and plain HTTP on it requires <see cref="AllowPlainHttp"/>.
    /// </summary>
    public string Listen { get; set; } = "http://127.0.0.1:8080";

    /// <summary>
    /// Shared secret every request must carry when set (<c>Authorization: Bearer …</c>, or the cookie set by opening
    /// the page once with <c>?token=…</c>); its holder is recorded as <c>operator</c>. Required (or <see cref="Tokens"/>)
    /// when <see cref="Listen"/> is not loopback. At least 16 characters, not a placeholder.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Named tokens: each holder is recorded on the alerts they acknowledge; a district token sees only its district.</summary>
    public List<ViewToken> Tokens { get; set; } = [];

    /// <summary>
    /// Host names requests may carry (';'-separated, ASP.NET Core's AllowedHosts syntax, e.g. <c>hub.city.example</c>).
    /// Default: loopback names when every listen address is loopback (a DNS-rebinding page cannot reach the view), else any.
    /// </summary>
    public string? AllowedHosts { get; set; }

    /// <summary>PEM certificate for <c>https://</c> listen addresses.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Allows <c>http://</c> on a non-loopback address (tokens then cross the network in clear text): only behind a
    /// TLS-terminating reverse proxy on a trusted network. Prefer https:// or a proxy on loopback (docs/operator-view.md).
    /// </summary>
    public bool AllowPlainHttp { get; set; }

    /// <summary>How often the live stream checks for changes (at most one update per interval is sent).</summary>
    public TimeSpan EventInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the live stream re-sends the sparklines (one point per minute: no need to send them on every change).</summary>
    public TimeSpan SparklineInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most live-stream clients at once (more get 503).</summary>
    public int MaxEventClients { get; set; } = 32;

    /// <summary>
    /// Most sensors whose detail (last values, sparklines) the live view sends for one client's scope (its filters).
    /// Beyond it the page gets every node's summary with per-status sensor counts only, and opens a node's detail on
    /// click (<c>/api/nodes/{node}</c>). 0: summaries only. Bounds what one update costs the hub, whatever the city's size.
    /// </summary>
    public int MaxDetailSensors { get; set; } = DefaultMaxDetailSensors;

    public const int DefaultMaxDetailSensors = 2000;

    /// <summary>Upper bound of <see cref="MaxDetailSensors"/>: with an hour of sparklines, ~10 MB of JSON per update.</summary>
    public const int MaxDetailSensorsLimit = 20_000;
}
