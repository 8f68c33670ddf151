using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace CityBrain.Mqtt;

/// <summary>Builds MQTTnet client options from an <see cref="MqttEndpoint"/>: address, client id, keep-alive, timeout, credentials, TLS.</summary>
public static class MqttOptions
{
    /// <summary>The options for one connect attempt; <paramref name="configure"/> adds the caller's protocol details (Will, session, limits).</summary>
    public static MqttClientOptions Build(MqttEndpoint endpoint, string? password, Action<MqttClientOptionsBuilder>? configure = null, ILogger? logger = null)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithClientId(endpoint.ClientId)
            .WithKeepAlivePeriod(endpoint.KeepAlive)
            .WithTimeout(endpoint.ConnectTimeout);
        if (!string.IsNullOrEmpty(endpoint.Username))
        {
            builder.WithCredentials(endpoint.Username, password);
        }

        if (endpoint.Tls.Enabled)
        {
            var tls = endpoint.Tls;
            if (tls.AllowUntrusted)
            {
                logger?.LogWarning("TLS certificate checks are off for {Host} (allowUntrusted)", endpoint.Host);
            }

            builder.WithTlsOptions(o =>
            {
                o.UseTls();
                if (tls.ServerName is not null)
                {
                    o.WithTargetHost(tls.ServerName);
                }

                if (tls.CaFile is not null)
                {
                    var chain = new X509Certificate2Collection();
                    chain.ImportFromPemFile(endpoint.Resolve(tls.CaFile));
                    o.WithTrustChain(chain);
                }

                if (tls.CertFile is not null && tls.KeyFile is not null)
                {
                    o.WithClientCertificates(new X509Certificate2Collection(X509Certificate2.CreateFromPemFile(endpoint.Resolve(tls.CertFile), endpoint.Resolve(tls.KeyFile))));
                }

                if (!tls.CheckRevocation)
                {
                    o.WithRevocationMode(X509RevocationMode.NoCheck);
                }

                if (tls.AllowUntrusted)
                {
                    o.WithCertificateValidationHandler(_ => true);
                }
            });
        }

        configure?.Invoke(builder);
        var options = builder.Build();
        if (endpoint.SocketBufferBytes is { } bytes && options.ChannelOptions is MqttClientTcpOptions tcp)
        {
            tcp.BufferSize = bytes;
        }

        return options;
    }

    /// <summary>The password: read from <see cref="MqttEndpoint.PasswordFile"/> (trimmed) when set, else <see cref="MqttEndpoint.Password"/>.</summary>
    public static async Task<string?> ReadPasswordAsync(MqttEndpoint endpoint, CancellationToken cancellationToken) =>
        endpoint.PasswordFile is null
            ? endpoint.Password
            : (await File.ReadAllTextAsync(endpoint.Resolve(endpoint.PasswordFile), cancellationToken).ConfigureAwait(false)).Trim();
}
