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
        if (!string.IsNullOrEmpty(_options.Username))
        {
            _server.ValidatingConnectionAsync += e =>
            {
                bool ok = string.Equals(e.UserName, _options.Username, StringComparison.Ordinal)
                    && string.Equals(e.Password, _options.Password, StringComparison.Ordinal);
                if (!ok)
                {
                    e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
                    _logger.LogWarning("Embedded broker refused client {ClientId} from {Endpoint}: bad user name or password", e.ClientId, e.RemoteEndPoint);
                }

                return Task.CompletedTask;
            };
        }

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
