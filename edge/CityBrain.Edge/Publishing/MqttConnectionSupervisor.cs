using System.Security.Cryptography.X509Certificates;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace CityBrain.Edge.Publishing;

/// <summary>
/// Keeps the node connected (MQTTnet 5 has no managed client): connects, pings, reconnects with exponential backoff and
/// jitter, and on every connect re-announces the node's birth (retained status online) under a Will that flips it to
/// offline if the connection is lost. Publishers wait on <see cref="WaitConnectedAsync"/> and report failures.
/// </summary>
public sealed class MqttConnectionSupervisor : IAsyncDisposable
{
    private static readonly TimeSpan PingPeriod = TimeSpan.FromSeconds(5);

    private readonly MqttConnectionSettings _settings;
    private readonly Func<StatusMessage> _birth;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly string _boot;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _reconnects;
    private long _connects;
    private string? _lastError;

    private bool _closing;

    public MqttConnectionSupervisor(MqttConnectionSettings settings, string boot, Func<StatusMessage> birth, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _boot = boot;
        _birth = birth;
        _time = time;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected && Volatile.Read(ref _closing))
            {
                // Our own clean shutdown: not a lost connection (journald would show it as a warning on every stop).
                _logger.LogInformation("MQTT connection to {Host}:{Port} closed", _settings.Mqtt.Host, _settings.Mqtt.EffectivePort);
                MarkDisconnected("shutdown");
            }
            else if (e.ClientWasConnected)
            {
                _logger.LogWarning("MQTT connection to {Host}:{Port} lost: {Reason}", _settings.Mqtt.Host, _settings.Mqtt.EffectivePort, e.Reason);
                MarkDisconnected(e.Exception?.Message ?? e.Reason.ToString());
            }

            return Task.CompletedTask;
        };
    }

    public IMqttClient Client => _client;

    public bool IsConnected => _client.IsConnected;

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public string? LastError => _lastError;

    /// <summary>Completes when the client is connected and the birth message was published.</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    /// <summary>A publisher saw a failure: check the connection now instead of at the next ping.</summary>
    public void ReportFailure(string error)
    {
        _lastError = error;
        _wake.Release2();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(_settings.Mqtt.ReconnectMinSeconds);
        var maxBackoff = TimeSpan.FromSeconds(_settings.Mqtt.ReconnectMaxSeconds);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                if (await TryConnectAsync(cancellationToken).ConfigureAwait(false))
                {
                    backoff = TimeSpan.FromSeconds(_settings.Mqtt.ReconnectMinSeconds);
                }
                else
                {
                    // Full jitter keeps a district's nodes from reconnecting in lock-step after a broker restart.
                    var delay = TimeSpan.FromTicks((long)(backoff.Ticks * (0.5 + (Random.Shared.NextDouble() * 0.5))));
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, maxBackoff.Ticks));
                    await WaitAsync(delay, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            await WaitAsync(PingPeriod, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (_client.IsConnected && !await PingAsync(cancellationToken).ConfigureAwait(false))
            {
                _logger.LogWarning("MQTT ping to {Host} failed; reconnecting", _settings.Mqtt.Host);
                await DisconnectQuietlyAsync().ConfigureAwait(false);
                MarkDisconnected("ping failed");
            }
        }
    }

    /// <summary>Announces a clean shutdown (retained offline, reason shutdown) and disconnects without the Will.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            var offline = new StatusMessage
            {
                Node = _settings.Node.NodeId,
                State = StatusMessage.Offline,
                Reason = "shutdown",
                Timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                Boot = _boot,
            };
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(_settings.Mqtt.PublishTimeoutSeconds));
            await _client.PublishAsync(StatusMessageFor(offline), cts.Token).ConfigureAwait(false);
            Volatile.Write(ref _closing, true);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            _logger.LogWarning("Clean MQTT shutdown failed ({Error}); the broker will publish the Will", ex.Message);
        }
    }

    public MqttApplicationMessage StatusMessageFor(StatusMessage status) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(Topics.For(_settings.Node, Topics.Status))
            .WithPayload(ContractJson.Serialize(status, ContractJsonContext.Default.StatusMessage))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .WithContentType("application/json")
            .Build();

    private async Task<bool> TryConnectAsync(CancellationToken cancellationToken)
    {
        var m = _settings.Mqtt;
        try
        {
            var options = await BuildOptionsAsync(cancellationToken).ConfigureAwait(false);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(m.ConnectTimeoutSeconds));
            var result = await _client.ConnectAsync(options, cts.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                _lastError = $"broker refused the connection: {result.ResultCode} {result.ReasonString}";
                _logger.LogError("MQTT broker {Host}:{Port} refused node {Node}: {Code} {Reason}", m.Host, m.EffectivePort, _settings.Node.NodeId, result.ResultCode, result.ReasonString);
                return false;
            }

            // Subscriptions first (cmd, config), then the birth: a node announced online takes requests at once (a
            // request sent on seeing the birth would otherwise be lost before the subscription is in place).
            if (_settings.OnConnectedAsync is { } onConnected)
            {
                await onConnected(_client, cts.Token).ConfigureAwait(false);
            }

            await _client.PublishAsync(StatusMessageFor(_birth()), cts.Token).ConfigureAwait(false);

            if (Interlocked.Increment(ref _connects) > 1)
            {
                Interlocked.Increment(ref _reconnects);
            }

            _logger.LogInformation("MQTT connected to {Host}:{Port} as {ClientId}; status online published", m.Host, m.EffectivePort, _settings.ClientId);
            Volatile.Read(ref _connected).TrySetResult();
            return true;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or IOException or System.Net.Sockets.SocketException or InvalidOperationException or System.Security.Authentication.AuthenticationException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            _lastError = ex.Message;
            _logger.LogWarning("MQTT connect to {Host}:{Port} failed: {Error}", m.Host, m.EffectivePort, ex.Message);
            await DisconnectQuietlyAsync().ConfigureAwait(false);
            return false;
        }
    }

    private async Task<MqttClientOptions> BuildOptionsAsync(CancellationToken cancellationToken)
    {
        var m = _settings.Mqtt;
        var will = new StatusMessage
        {
            Node = _settings.Node.NodeId,
            State = StatusMessage.Offline,
            Reason = "connection_lost",
            Timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            Boot = _boot,
        };
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(m.Host, m.EffectivePort)
            .WithClientId(_settings.ClientId)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(m.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(m.ConnectTimeoutSeconds))
            .WithWillTopic(Topics.For(_settings.Node, Topics.Status))
            .WithWillPayload(ContractJson.Serialize(will, ContractJsonContext.Default.StatusMessage))
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain(true)
            .WithWillContentType("application/json");
        if (m.Username is not null)
        {
            string? password = m.PasswordFile is null
                ? null
                : (await File.ReadAllTextAsync(Resolve(m.PasswordFile), cancellationToken).ConfigureAwait(false)).Trim();
            builder = builder.WithCredentials(m.Username, password);
        }

        if (m.Tls.Enabled)
        {
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (m.Tls.ServerName is not null)
                {
                    tls.WithTargetHost(m.Tls.ServerName);
                }

                if (m.Tls.CaFile is not null)
                {
                    var chain = new X509Certificate2Collection();
                    chain.ImportFromPemFile(Resolve(m.Tls.CaFile));
                    tls.WithTrustChain(chain);
                }

                if (m.Tls.CertFile is not null && m.Tls.KeyFile is not null)
                {
                    tls.WithClientCertificates(new X509Certificate2Collection(X509Certificate2.CreateFromPemFile(Resolve(m.Tls.CertFile), Resolve(m.Tls.KeyFile))));
                }

                tls.WithRevocationMode(X509RevocationMode.NoCheck);
                if (m.Tls.AllowUntrusted)
                {
                    _logger.LogWarning("TLS certificate checks are off for {Host} (allowUntrusted)", m.Host);
                    tls.WithCertificateValidationHandler(_ => true);
                }
            });
        }

        return builder.Build();
    }

    private string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(_settings.BaseDirectory, path);

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(_settings.Mqtt.PublishTimeoutSeconds));
            await _client.PingAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            return cancellationToken.IsCancellationRequested;
        }
    }

    private void MarkDisconnected(string reason)
    {
        _lastError = reason;
        var current = Volatile.Read(ref _connected);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }

        _wake.Release2();
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // Already gone: nothing to do.
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await _wake.WaitAsync(delay, _time, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectQuietlyAsync().ConfigureAwait(false);
        _client.Dispose();
        _wake.Dispose();
    }
}
