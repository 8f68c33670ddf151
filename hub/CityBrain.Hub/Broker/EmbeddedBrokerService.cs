using System.Net;
using System.Security.Cryptography.X509Certificates;
using CityBrain.Hub.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityBrain.Hub.Broker;

/// <summary>
/// An in-process MQTT broker (MQTTnet.Server) so one machine needs no separate broker. Binds to loopback by default;
/// optional TLS endpoint and username/password. Limits: no shared subscriptions, no Will Delay, sessions and retained
/// messages live in memory only — production deployments use Mosquitto (deploy/mosquitto/).
/// </summary>
public sealed class EmbeddedBrokerService : IHostedService, IDisposable
{
    private readonly EmbeddedBrokerOptions _options;
    private readonly ILogger<EmbeddedBrokerService> _logger;
    private MqttServer? _server;
    private X509Certificate2? _certificate;

    public EmbeddedBrokerService(IOptions<HubOptions> options, ILogger<EmbeddedBrokerService> logger)
    {
        _options = options.Value.EmbeddedBroker;
        _logger = logger;
    }

    public bool IsRunning => _server?.IsStarted ?? false;

    [System.Runtime.CompilerServices.UnsafeAccessor(System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = "_connectPacket")]
    private static extern ref MQTTnet.Packets.MqttConnectPacket ConnectPacket(ValidatingConnectionEventArgs args);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var address = IPAddress.Parse(_options.BindAddress);
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(_options.Port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(100_000);
        if (!string.IsNullOrEmpty(_options.TlsCertificatePath))
        {
            _certificate = X509CertificateLoader.LoadPkcs12FromFile(_options.TlsCertificatePath, _options.TlsCertificatePassword);
            builder = builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(address)
                .WithEncryptedEndpointPort(_options.TlsPort)
                .WithEncryptionCertificate(_certificate);
        }

        _server = new MqttServerFactory().CreateMqttServer(builder.Build());
        _server.ValidatingConnectionAsync += e =>
        {
            if (!string.IsNullOrEmpty(_options.Username)
                && !(string.Equals(e.UserName, _options.Username, StringComparison.Ordinal) && string.Equals(e.Password, _options.Password, StringComparison.Ordinal)))
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
                _logger.LogWarning("Embedded broker refused client {ClientId} from {Endpoint}: bad user name or password", e.ClientId, e.RemoteEndPoint);
                return Task.CompletedTask;
            }

            // MQTT lets a client leave its id to the server (3.1.1 with a clean session, 5.0 always): assign one, as
            // Mosquitto does, so `mosquitto_sub -t 'citybrain/v1/#'` works as written in the README.
            if (string.IsNullOrEmpty(e.ClientId))
            {
                if (e.ProtocolVersion != MQTTnet.Formatter.MqttProtocolVersion.V500 && e.CleanSession != true)
                {
                    e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                    return Task.CompletedTask;
                }

                string assigned = "auto-" + Guid.NewGuid().ToString("N");
                if (e.ProtocolVersion == MQTTnet.Formatter.MqttProtocolVersion.V500)
                {
                    e.AssignedClientIdentifier = assigned;
                }
                else
                {
                    // MQTTnet.Server assigns ids to MQTT 5 clients only; a 3.1.1 client (mosquitto_sub's default) gets its
                    // id written into the CONNECT packet it sent (the event args keep it in a private field).
                    ConnectPacket(e).ClientId = assigned;
                }
            }

            return Task.CompletedTask;
        };

        await _server.StartAsync();
        _logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}{Tls}", _options.BindAddress, _options.Port,
            _certificate is null ? string.Empty : $" and TLS {_options.BindAddress}:{_options.TlsPort}");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    public void Dispose()
    {
        _server?.Dispose();
        _certificate?.Dispose();
    }
}
