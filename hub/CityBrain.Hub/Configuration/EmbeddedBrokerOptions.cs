namespace CityBrain.Hub.Configuration;

/// <summary>The in-process MQTT broker (MQTTnet.Server) for single-machine deployments; production uses Mosquitto.</summary>
public sealed class EmbeddedBrokerOptions
{
    public bool Enabled { get; set; }

    public string BindAddress { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>PFX certificate for a TLS endpoint (optional).</summary>
    public string? TlsCertificatePath { get; set; }

    public string? TlsCertificatePassword { get; set; }

    public int TlsPort { get; set; } = 8883;

    /// <summary>When set, clients must present these credentials (otherwise anonymous, which is only sane on loopback).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }
}
