using CityBrain.Mqtt;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace CityBrain.Edge.Publishing;

/// <summary>
/// The node's MQTT connection: the shared <see cref="MqttConnection"/> (connect with timeout, reconnect with backoff
/// and jitter, ping) plus the node's status protocol: on every connect, after the subscriptions, the birth (retained
/// status online) under a Will that flips it to offline if the connection is lost; on a clean shutdown a retained
/// offline with reason shutdown. Publishers wait on <see cref="WaitConnectedAsync"/> and report failures.
/// </summary>
public sealed class MqttConnectionSupervisor : IAsyncDisposable
{
    /// <summary>How often the node pings the broker to find a half-open connection.</summary>
    public static readonly TimeSpan PingPeriod = TimeSpan.FromSeconds(5);

    private readonly MqttConnectionSettings _settings;
    private readonly Func<StatusMessage> _birth;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _boot;
    private readonly MqttConnection _connection;

    public MqttConnectionSupervisor(MqttConnectionSettings settings, string boot, Func<StatusMessage> birth, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _boot = boot;
        _birth = birth;
        _time = time;
        _logger = logger;
        _connection = new MqttConnection(Endpoint(settings), time, logger)
        {
            Configure = WithWill,
            OnConnectedAsync = OnConnectedAsync,
        };
    }

    /// <summary>The shared connection underneath (state, generation, connected event).</summary>
    public MqttConnection Connection => _connection;

    public IMqttClient Client => _connection.Client;

    public bool IsConnected => _connection.IsConnected;

    public long Reconnects => _connection.Reconnects;

    public string? LastError => _connection.LastError;

    /// <summary>The node's endpoint: the configuration's <c>mqtt</c> section, pinging every <see cref="PingPeriod"/>, no revocation check (private CA).</summary>
    public static MqttEndpoint Endpoint(MqttConnectionSettings settings)
    {
        var m = settings.Mqtt;
        return new MqttEndpoint
        {
            Host = m.Host,
            Port = m.EffectivePort,
            ClientId = settings.ClientId,
            Username = m.Username,
            PasswordFile = m.Username is null ? null : m.PasswordFile,
            Tls = new MqttTls
            {
                Enabled = m.Tls.Enabled,
                CaFile = m.Tls.CaFile,
                CertFile = m.Tls.CertFile,
                KeyFile = m.Tls.KeyFile,
                ServerName = m.Tls.ServerName,
                AllowUntrusted = m.Tls.AllowUntrusted,
                CheckRevocation = false,
            },
            BaseDirectory = settings.BaseDirectory,
            KeepAlive = TimeSpan.FromSeconds(m.KeepAliveSeconds),
            ConnectTimeout = TimeSpan.FromSeconds(m.ConnectTimeoutSeconds),
            ReconnectMin = TimeSpan.FromSeconds(m.ReconnectMinSeconds),
            ReconnectMax = TimeSpan.FromSeconds(m.ReconnectMaxSeconds),
            PingPeriod = PingPeriod,
            PingTimeout = TimeSpan.FromSeconds(m.PublishTimeoutSeconds),
        };
    }

    /// <summary>Completes when the client is connected and the birth message was published.</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => _connection.WaitConnectedAsync(cancellationToken);

    /// <summary>A publisher saw a failure: check the connection now instead of at the next ping.</summary>
    public void ReportFailure(string error) => _connection.ReportFailure(error);

    public Task RunAsync(CancellationToken cancellationToken) => _connection.RunAsync(cancellationToken);

    /// <summary>Announces a clean shutdown (retained offline, reason shutdown) and disconnects without the Will.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (!_connection.IsConnected)
        {
            return;
        }

        try
        {
            var offline = Status("shutdown");
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(_settings.Mqtt.PublishTimeoutSeconds));
            await _connection.Client.PublishAsync(StatusMessageFor(offline), cts.Token).ConfigureAwait(false);
            await _connection.DisconnectAsync(null, cts.Token).ConfigureAwait(false);
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

    private StatusMessage Status(string reason) => new()
    {
        Node = _settings.Node.NodeId,
        State = StatusMessage.Offline,
        Reason = reason,
        Timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        Boot = _boot,
    };

    /// <summary>A clean session per connect, with a fresh Will (offline, connection_lost) stamped at connect time.</summary>
    private void WithWill(MqttClientOptionsBuilder builder) =>
        builder
            .WithCleanStart(true)
            .WithWillTopic(Topics.For(_settings.Node, Topics.Status))
            .WithWillPayload(ContractJson.Serialize(Status("connection_lost"), ContractJsonContext.Default.StatusMessage))
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain(true)
            .WithWillContentType("application/json");

    private async Task OnConnectedAsync(IMqttClient client, MqttClientConnectResult result, CancellationToken cancellationToken)
    {
        // Subscriptions first (cmd, config), then the birth: a node announced online takes requests at once (a
        // request sent on seeing the birth would otherwise be lost before the subscription is in place).
        if (_settings.OnConnectedAsync is { } onConnected)
        {
            await onConnected(client, cancellationToken).ConfigureAwait(false);
        }

        await client.PublishAsync(StatusMessageFor(_birth()), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
