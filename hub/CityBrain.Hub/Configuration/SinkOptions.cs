namespace CityBrain.Hub.Configuration;

/// <summary>
/// One database the hub writes every point to: <c>influx-v1</c> (InfluxDB 1.x <c>/write</c>) or <c>influx-v2</c>
/// (the v2 write API through InfluxDB.Client: InfluxDB 2.x/3.x, 1.8+, VictoriaMetrics).
/// </summary>
public sealed class SinkOptions
{
    public const string InfluxV1 = "influx-v1";
    public const string InfluxV2 = "influx-v2";

    public string Kind { get; set; } = string.Empty;

    /// <summary>Name used in logs and metrics; defaults to kind + host.</summary>
    public string? Name { get; set; }

    public string Url { get; set; } = string.Empty;

    // influx-v1
    public string? Database { get; set; }

    public string? RetentionPolicy { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    // influx-v2
    public string? Org { get; set; }

    public string? Bucket { get; set; }

    public string? Token { get; set; }

    /// <summary>
    /// influx-v2 only: <c>http</c> (default) posts the batch's line-protocol bytes to <c>/api/v2/write</c> as they
    /// are; <c>influxdb-client</c> goes through InfluxDB.Client's WriteApiAsync, which copies each batch into
    /// several large strings (about 4x the batch size on the large-object heap per request: 2-3x the hub's memory
    /// and GC time at 100k+ points/s). Both speak the same API with the same error mapping.
    /// </summary>
    public string Client { get; set; } = Http;

    public const string Http = "http";

    public const string InfluxDbClient = "influxdb-client";

    /// <summary>
    /// Only the points of these catalogue domains (e.g. <c>["sanitation"]</c>): a department's own database, on which
    /// its user has READ (docs/grid-registry.md, <c>citybrain grants</c>); null (the default) = every point.
    /// </summary>
    public List<string>? Domains { get; set; }

    /// <summary>Gzip the request body (worth it over a WAN; off on loopback).</summary>
    public bool Gzip { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How many batches this sink writes in parallel.</summary>
    public int Writers { get; set; } = 2;

    public string DisplayName => string.IsNullOrWhiteSpace(Name)
        ? $"{Kind}@{(Uri.TryCreate(Url, UriKind.Absolute, out var u) ? u.Authority : Url)}"
        : Name;
}
