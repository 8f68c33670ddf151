using CityBrain.Hub.Configuration;
using CityBrain.Mqtt;
using MQTTnet;
using MQTTnet.Formatter;

namespace CityBrain.Hub.Ingest;

/// <summary>The hub's MQTT 5 connection settings: persistent session, Receive Maximum, Maximum Packet Size, TLS and credentials.</summary>
public static class MqttClientOptionsFactory
{
    /// <summary>The options one connect attempt sends (what the shared <see cref="MqttConnection"/> builds from <see cref="Endpoint"/> and <see cref="Configure"/>).</summary>
    public static MqttClientOptions Create(MqttConnectionOptions o, string instanceName) =>
        MqttOptions.Build(Endpoint(o, instanceName), o.Password, Configure(o));

    /// <summary>Address, identity, credentials, TLS (server name = host, system trust or the private CA), timeouts and reconnect backoff.</summary>
    public static MqttEndpoint Endpoint(MqttConnectionOptions o, string instanceName) => new()
    {
        Host = o.Host,
        Port = o.Port,
        ClientId = ClientId(o, instanceName),
        Username = o.Username,
        Password = o.Password,
        Tls = new MqttTls
        {
            Enabled = o.UseTls,
            ServerName = o.Host,
            CaFile = string.IsNullOrEmpty(o.CaCertificatePath) ? null : o.CaCertificatePath,
        },
        KeepAlive = TimeSpan.FromSeconds(o.KeepAliveSeconds),
        ConnectTimeout = TimeSpan.FromSeconds(o.ConnectTimeoutSeconds),
        ReconnectMin = TimeSpan.FromMilliseconds(250),
        ReconnectMax = TimeSpan.FromSeconds(o.MaxReconnectDelaySeconds),
        SocketBufferBytes = o.SocketBufferBytes,
    };

    /// <summary>MQTT 5 with the persistent session (the broker queues while the hub is away) and the hub's receive limits.</summary>
    public static Action<MqttClientOptionsBuilder> Configure(MqttConnectionOptions o) => builder => builder
        .WithProtocolVersion(MqttProtocolVersion.V500)
        .WithMaximumPacketSize(o.MaximumPacketSize)
        .WithCleanStart(!o.PersistentSession)
        .WithSessionExpiryInterval(o.PersistentSession ? o.SessionExpirySeconds : 0)
        .WithReceiveMaximum(o.ReceiveMaximum);

    /// <summary>The configured client id, else the user name (the broker binds them), else <c>citybrain-hub-{instance}</c>.</summary>
    public static string ClientId(MqttConnectionOptions o, string instanceName) =>
        !string.IsNullOrWhiteSpace(o.ClientId) ? o.ClientId
        : !string.IsNullOrWhiteSpace(o.Username) ? o.Username
        : $"citybrain-hub-{instanceName}";
}
