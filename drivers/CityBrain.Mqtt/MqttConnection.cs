using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using Polly;
using Polly.Retry;

namespace CityBrain.Mqtt;

/// <summary>
/// Keeps one MQTT client connected, for the edge node and the hub alike (MQTTnet 5 has no managed client): connects
/// with a timeout, runs the caller's <see cref="OnConnectedAsync"/> (subscriptions, a birth message) as part of the
/// connect, and after a lost connection or a failed attempt reconnects through a Polly retry with exponential backoff
/// and jitter (<see cref="MqttEndpoint.ReconnectMin"/> doubling to <see cref="MqttEndpoint.ReconnectMax"/>, each delay
/// half to all of it, so a district's nodes do not reconnect in lock-step after a broker restart). A broker refusal
/// (bad credentials, client id not allowed) is reported as such in <see cref="LastError"/> and logged as an error.
/// Optionally pings (<see cref="MqttEndpoint.PingPeriod"/>) to find a half-open connection early.
/// </summary>
public sealed class MqttConnection : IAsyncDisposable, IDisposable
{
    /// <summary>How often the loop re-checks the connection when nothing wakes it and no ping is configured.</summary>
    public static readonly TimeSpan RecheckPeriod = TimeSpan.FromSeconds(5);

    private readonly MqttEndpoint _endpoint;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private readonly ResiliencePipeline _reconnect;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _connects;
    private long _reconnects;
    private long _failedAttempts;
    private int _generation;
    private int _subscribedGeneration = -1;
    private string? _lastError;
    private bool _closing;

    /// <param name="client">The client to keep connected (the hub's has its own channel adapter); a new MQTTnet client when null. Disposed with this.</param>
    public MqttConnection(MqttEndpoint endpoint, TimeProvider time, ILogger logger, IMqttClient? client = null)
    {
        _endpoint = endpoint;
        _time = time;
        _logger = logger;
        _client = client ?? new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _reconnect = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => new ValueTask<bool>(
                    args.Outcome.Exception is { } ex && !IsFatal(ex) && !args.Context.CancellationToken.IsCancellationRequested),
                DelayGenerator = args => new ValueTask<TimeSpan?>(ReconnectDelay(args.AttemptNumber)),
                OnRetry = args =>
                {
                    LogFailedAttempt(args.AttemptNumber + 1, args.Outcome.Exception!, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    public IMqttClient Client => _client;

    public MqttEndpoint Endpoint => _endpoint;

    public bool IsConnected => _client.IsConnected;

    /// <summary>
    /// Connected, and <see cref="OnConnectedAsync"/> (the subscriptions) completed on the current connection: from here
    /// on the broker routes to this client (before that a fresh session gets nothing).
    /// </summary>
    public bool IsSubscribed => _client.IsConnected && Volatile.Read(ref _subscribedGeneration) == Volatile.Read(ref _generation);

    /// <summary>Counts connections (CONNACKs); a message received on an earlier one is redelivered on the current one.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Successful connects after the first.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Connect attempts that failed (refused, timed out, unreachable, or <see cref="OnConnectedAsync"/> failed).</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>The last connection problem (kept after a reconnect, for health).</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Adds the caller's protocol details to every connect's options (a fresh Will, session settings, limits).</summary>
    public Action<MqttClientOptionsBuilder>? Configure { get; init; }

    /// <summary>Runs after every CONNACK, within the connect timeout (subscribe, publish a birth); a failure fails the attempt.</summary>
    public Func<IMqttClient, MqttClientConnectResult, CancellationToken, Task>? OnConnectedAsync { get; init; }

    /// <summary>Errors never retried: they leave <see cref="RunAsync"/> (the hub stops on them). Default: none.</summary>
    public Func<Exception, bool> IsFatal { get; init; } = static _ => false;

    /// <summary>Raised after every successful (re)connect, once <see cref="OnConnectedAsync"/> completed.</summary>
    public event Action? Connected;

    /// <summary>Completes when the client is connected and <see cref="OnConnectedAsync"/> completed.</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    /// <summary>A publisher saw a failure: check the connection now instead of at the next ping.</summary>
    public void ReportFailure(string error)
    {
        Volatile.Write(ref _lastError, error);
        Wake();
    }

    /// <summary>The reconnect delay before retry <paramref name="attempt"/> (0 = the first retry): min·2^attempt up to max, times 0.5–1.</summary>
    public TimeSpan ReconnectDelay(int attempt)
    {
        double ceiling = Math.Min(_endpoint.ReconnectMax.Ticks, _endpoint.ReconnectMin.Ticks * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromTicks((long)(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5))));
    }

    /// <summary>Connects, then keeps the connection until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    await _reconnect.ExecuteAsync(static (self, ct) => self.ConnectOnceAsync(ct), this, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (cancellationToken.IsCancellationRequested && !IsFatal(ex))
                {
                    break;
                }
            }

            await WaitAsync(_endpoint.PingPeriod ?? RecheckPeriod, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (_endpoint.PingPeriod is not null && _client.IsConnected && !await PingAsync(cancellationToken).ConfigureAwait(false))
            {
                _logger.LogWarning("MQTT ping to {Host} failed; reconnecting", _endpoint.Host);
                await DisconnectQuietlyAsync().ConfigureAwait(false);
                MarkDisconnected("ping failed");
            }
        }
    }

    /// <summary>Disconnects on purpose (logged as closed, not lost); the default options send no Will.</summary>
    public async Task DisconnectAsync(MqttClientDisconnectOptions? options, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _closing, true);
        await _client.DisconnectAsync(options ?? new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ConnectOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var options = MqttOptions.Build(_endpoint, await MqttOptions.ReadPasswordAsync(_endpoint, cancellationToken).ConfigureAwait(false), Configure, _logger);
            using var timeout = new CancellationTokenSource(_endpoint.ConnectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            MqttClientConnectResult result;
            try
            {
                result = await _client.ConnectAsync(options, linked.Token).ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new MqttConnectionRefusedException(_endpoint, result.ResultCode, result.ReasonString);
                }

                int generation = Interlocked.Increment(ref _generation);
                if (OnConnectedAsync is { } onConnected)
                {
                    await onConnected(_client, result, linked.Token).ConfigureAwait(false);
                }

                Volatile.Write(ref _subscribedGeneration, generation);
            }
            catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !IsFatal(ex))
            {
                // MQTTnet reports a cancelled connect as whatever the closed channel threw: name the cause.
                throw new TimeoutException($"no connection to the broker {_endpoint.Host}:{_endpoint.Port} within the connect timeout of {_endpoint.ConnectTimeout.TotalSeconds:0.#} s", ex);
            }

            if (Interlocked.Increment(ref _connects) > 1)
            {
                Interlocked.Increment(ref _reconnects);
            }

            _logger.LogInformation("MQTT connected to {Host}:{Port} as {ClientId} (session present: {SessionPresent})", _endpoint.Host, _endpoint.Port, _endpoint.ClientId, result.IsSessionPresent);
            Volatile.Read(ref _connected).TrySetResult();
            RaiseConnected();
        }
        catch (Exception ex) when (!IsFatal(ex) && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failedAttempts);
            Volatile.Write(ref _lastError, ex.Message);
            await DisconnectQuietlyAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void RaiseConnected()
    {
        try
        {
            Connected?.Invoke();
        }
        catch (Exception ex) when (!IsFatal(ex))
        {
            _logger.LogWarning(ex, "A connect handler failed");
        }
    }

    private void LogFailedAttempt(int attempt, Exception ex, TimeSpan delay)
    {
        // Every attempt would flood the journal during a long outage: the first three, then the 4th, 8th, 16th, ...
        if (attempt > 3 && (attempt & (attempt - 1)) != 0)
        {
            return;
        }

        if (ex is MqttConnectionRefusedException)
        {
            _logger.LogError("MQTT broker {Host}:{Port} refused the connection of {ClientId} (attempt {Attempt}): {Error}; retrying in {Delay} ms",
                _endpoint.Host, _endpoint.Port, _endpoint.ClientId, attempt, ex.Message, (long)delay.TotalMilliseconds);
        }
        else
        {
            _logger.LogWarning("MQTT connect to {Host}:{Port} failed (attempt {Attempt}): {Error}; retrying in {Delay} ms",
                _endpoint.Host, _endpoint.Port, attempt, ex.Message, (long)delay.TotalMilliseconds);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (e.ClientWasConnected && Volatile.Read(ref _closing))
        {
            // Our own clean shutdown: not a lost connection (journald would show it as a warning on every stop).
            _logger.LogInformation("MQTT connection to {Host}:{Port} closed", _endpoint.Host, _endpoint.Port);
            MarkDisconnected("shutdown");
        }
        else if (e.ClientWasConnected)
        {
            _logger.LogWarning("MQTT connection to {Host}:{Port} lost: {Reason}", _endpoint.Host, _endpoint.Port, e.ReasonString ?? e.Reason.ToString());
            MarkDisconnected(e.Exception?.Message ?? e.ReasonString ?? e.Reason.ToString());
        }

        return Task.CompletedTask;
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_endpoint.PingTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await _client.PingAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            return cancellationToken.IsCancellationRequested;
        }
    }

    private void MarkDisconnected(string reason)
    {
        Volatile.Write(ref _lastError, reason);
        var current = Volatile.Read(ref _connected);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }

        Wake();
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // Already gone: nothing to do.
        }
    }

    /// <summary>Waits for a wake-up or the delay (measured on the <see cref="TimeProvider"/>), whichever comes first.</summary>
    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(delay, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _wake.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Disconnects (at most 2 s) and disposes the client.</summary>
    public async ValueTask DisposeAsync()
    {
        await DisconnectQuietlyAsync().ConfigureAwait(false);
        Dispose();
    }

    /// <summary>Disposes the client without a DISCONNECT (the caller disconnected already).</summary>
    public void Dispose()
    {
        _client.Dispose();
        _wake.Dispose();
    }
}

/// <summary>The broker answered the CONNECT with a refusal (bad user name or password, not authorised, client id not allowed).</summary>
public sealed class MqttConnectionRefusedException(MqttEndpoint endpoint, MqttClientConnectResultCode code, string? reason, Exception? inner = null)
    : Exception($"broker refused the connection: {code}{(string.IsNullOrEmpty(reason) ? "" : " " + reason)} (user '{endpoint.Username}', client id '{endpoint.ClientId}')", inner)
{
    public MqttClientConnectResultCode ResultCode { get; } = code;
}
