namespace CityBrain.Provisioning.NodeConfig;

/// <summary>How the node reaches the broker. Production: TLS on 8883 with a username and a password file.</summary>
public sealed record MqttSection
{
    public required string Host { get; init; }

    /// <summary>Defaults to 8883 with TLS, 1883 without.</summary>
    public int? Port { get; init; }

    /// <summary>
    /// Defaults to <see cref="Username"/>, else the node id. The shipped broker makes the user name the client id
    /// (use_username_as_clientid), so a different value is refused at load.
    /// </summary>
    public string? ClientId { get; init; }

    public string? Username { get; init; }

    /// <summary>File holding the password (so the configuration itself carries no secret).</summary>
    public string? PasswordFile { get; init; }

    public TlsSection Tls { get; set; } = new();

    public int KeepAliveSeconds { get; set; } = 15;

    public int ConnectTimeoutSeconds { get; set; } = 10;

    public int PublishTimeoutSeconds { get; set; } = 10;

    public double ReconnectMinSeconds { get; set; } = 0.5;

    public double ReconnectMaxSeconds { get; set; } = 30;

    public int EffectivePort => Port ?? (Tls.Enabled ? 8883 : 1883);
}
