namespace CityBrain.Hub.Configuration;

/// <summary>How the hub connects to the broker (Mosquitto in production, or the embedded broker).</summary>
public sealed class MqttConnectionOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    public bool UseTls { get; set; }

    /// <summary>PEM file of a private CA that signed the broker's certificate (optional; system trust otherwise).</summary>
    public string? CaCertificatePath { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// Stable client id: the broker keeps the persistent session (unacknowledged messages) under it. Defaults to
    /// <see cref="Username"/> (the shipped broker makes the user name the client id, one user per hub instance), else
    /// <c>citybrain-hub-{InstanceName}</c>.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>Persistent session: CleanStart=false with this session expiry, so the broker queues while the hub is away.</summary>
    public bool PersistentSession { get; set; } = true;

    /// <summary>
    /// Seconds the broker keeps the session after a disconnect (default 8 days): longer than an edge node keeps readings
    /// (168 h), so while the hub is away the broker queues telemetry for it instead of answering the nodes "no matching
    /// subscribers". The broker's <c>persistent_client_expiration</c> must not be shorter.
    /// </summary>
    public uint SessionExpirySeconds { get; set; } = 691_200;

    /// <summary>
    /// MQTT 5 Maximum Packet Size the hub advertises (default 1 MiB + 4 KiB: <c>Hub:MaxPayloadBytes</c> plus topic and
    /// properties). The broker sends no larger packet; set the broker's <c>max_packet_size</c> to the same so that it
    /// refuses such a packet from a node instead of accepting what it cannot deliver.
    /// </summary>
    public uint MaximumPacketSize { get; set; } = 1_052_672;

    /// <summary>Shared-subscription group name for scale-out (<c>$share/{group}/…</c>); null or empty = single instance.</summary>
    public string? SharedSubscriptionGroup { get; set; }

    /// <summary>MQTT 5 Receive Maximum: how many unacknowledged messages the broker may send at once.</summary>
    public ushort ReceiveMaximum { get; set; } = 2000;

    /// <summary>
    /// Payload bytes of received, unacknowledged messages above which the hub stops reading from the broker (for
    /// seconds at a time) until writes catch up: bounds the hub's memory when messages are large. 4 MiB holds ~240
    /// messages of 100 readings, enough to keep up with ~480,000 points/s into VictoriaMetrics on the benchmark machine
    /// (with 8 MiB it kept up with no more, 482,200 against 481,100 points/s, and held ~4 MB more formatted lines).
    /// </summary>
    public long ReceiveWindowBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The socket's receive and send buffer (SO_RCVBUF/SO_SNDBUF; Linux caps it at net.core.rmem_max). MQTTnet's
    /// default of 8 KiB is smaller than one 100-reading telemetry message: the broker then stalls for a window update
    /// every few KB, and the loopback TCP work of those updates showed as a quarter of the hub's CPU.
    /// </summary>
    public int SocketBufferBytes { get; set; } = 1024 * 1024;

    public int KeepAliveSeconds { get; set; } = 15;

    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>Longest wait between reconnect attempts (exponential backoff with jitter up to this).</summary>
    public int MaxReconnectDelaySeconds { get; set; } = 30;
}
