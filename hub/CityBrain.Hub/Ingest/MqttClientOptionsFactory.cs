using System.Security.Cryptography.X509Certificates;
using CityBrain.Hub.Configuration;
using MQTTnet;
using MQTTnet.Formatter;

namespace CityBrain.Hub.Ingest;

/// <summary>Builds the hub's MQTT 5 client options: persistent session, Receive Maximum, Maximum Packet Size, TLS and credentials.</summary>
public static class MqttClientOptionsFactory
{
    public static MqttClientOptions Create(MqttConnectionOptions o, string instanceName)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(o.Host, o.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(ClientId(o, instanceName))
            .WithMaximumPacketSize(o.MaximumPacketSize)
            .WithCleanStart(!o.PersistentSession)
            .WithSessionExpiryInterval(o.PersistentSession ? o.SessionExpirySeconds : 0)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(o.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(o.ConnectTimeoutSeconds))
            .WithReceiveMaximum(o.ReceiveMaximum);
        if (!string.IsNullOrEmpty(o.Username))
        {
            builder = builder.WithCredentials(o.Username, o.Password);
        }

        if (o.UseTls)
        {
            var tls = new MqttClientTlsOptionsBuilder().WithTargetHost(o.Host);
            if (!string.IsNullOrEmpty(o.CaCertificatePath))
            {
                var chain = new X509Certificate2Collection();
                chain.ImportFromPemFile(o.CaCertificatePath);
                tls = tls.WithTrustChain(chain);
            }

            builder = builder.WithTlsOptions(tls.Build());
        }

        var options = builder.Build();
        if (options.ChannelOptions is MqttClientTcpOptions tcp)
        {
            tcp.BufferSize = o.SocketBufferBytes;
        }

        return options;
    }

    /// <summary>The configured client id, else the user name (the broker binds them), else <c>citybrain-hub-{instance}</c>.</summary>
    public static string ClientId(MqttConnectionOptions o, string instanceName) =>
        !string.IsNullOrWhiteSpace(o.ClientId) ? o.ClientId
        : !string.IsNullOrWhiteSpace(o.Username) ? o.Username
        : $"citybrain-hub-{instanceName}";
}
