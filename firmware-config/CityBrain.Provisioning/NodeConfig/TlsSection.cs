namespace CityBrain.Provisioning.NodeConfig;

/// <summary>TLS to the broker: a private CA file, optional client certificate, optional server name override.</summary>
public sealed record TlsSection
{
    public bool Enabled { get; init; }

    public string? CaFile { get; init; }

    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    public string? ServerName { get; init; }

    /// <summary>Accept any server certificate (bench tests only; the edge logs a warning at every connect).</summary>
    public bool AllowUntrusted { get; init; }
}
