namespace CityBrain.Mqtt;

/// <summary>
/// Where and how a service reaches the broker: address, identity, credentials, TLS, timeouts and reconnect backoff.
/// The edge fills it from the node configuration's <c>mqtt</c> section, the hub from <c>Hub:Mqtt</c>; protocol details
/// of each side (the edge's Will, the hub's persistent session) go through <see cref="MqttConnection.Configure"/>.
/// </summary>
public sealed record MqttEndpoint
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required string ClientId { get; init; }

    /// <summary>No credentials are sent when null or empty.</summary>
    public string? Username { get; init; }

    /// <summary>The password itself (the hub's configuration, usually from the environment).</summary>
    public string? Password { get; init; }

    /// <summary>A file holding the password, read at every connect (the edge: the configuration carries no secret). Wins over <see cref="Password"/>.</summary>
    public string? PasswordFile { get; init; }

    public MqttTls Tls { get; init; } = new();

    /// <summary>Directory against which relative password and certificate paths resolve.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for the CONNACK and the work after it (subscriptions, the node's birth); then the attempt fails.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first reconnect delay; each failed attempt doubles it up to <see cref="ReconnectMax"/>, with jitter (half to all of it).</summary>
    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromSeconds(0.5);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Ping the broker this often and reconnect when the ping fails (the edge: a half-open TCP connection is found in
    /// seconds, not after the keep-alive). Null: no extra ping, MQTTnet's keep-alive only (the hub, whose receive window
    /// may hold the socket's reads for seconds).
    /// </summary>
    public TimeSpan? PingPeriod { get; init; }

    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>SO_RCVBUF/SO_SNDBUF of the socket; null keeps MQTTnet's default.</summary>
    public int? SocketBufferBytes { get; init; }

    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(BaseDirectory, path);
}

/// <summary>TLS to the broker: a private CA file (system trust otherwise), optional client certificate, server name override.</summary>
public sealed record MqttTls
{
    public bool Enabled { get; init; }

    public string? CaFile { get; init; }

    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>The name the server certificate must carry; null: the host name.</summary>
    public string? ServerName { get; init; }

    /// <summary>Check revocation (CRL/OCSP) online. Off for the edge's private CA, which publishes no revocation lists.</summary>
    public bool CheckRevocation { get; init; } = true;

    /// <summary>Accept any server certificate (bench tests only; a warning is logged at every connect).</summary>
    public bool AllowUntrusted { get; init; }
}
