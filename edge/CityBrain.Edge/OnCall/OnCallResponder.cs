using System.Buffers;
using System.Threading.Channels;
using CityBrain.Edge.Publishing;
using CityBrain.Edge.Runners;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace CityBrain.Edge.OnCall;

/// <summary>
/// Answers on-call requests on the node's <c>cmd</c> topic (MQTT 5 request/response, docs/mqtt-contract.md): checks
/// each request (<see cref="OnCallRequestCheck"/>), spends a token of the node's bucket, polls the sensor out of turn
/// through its runner (<see cref="SensorRunner.ReadNowAsync"/>: same driver, bus lock, processors and buffer as a
/// scheduled poll) and publishes the reading or the fault on the request's Response Topic with its Correlation Data.
/// Bounded everywhere: the hand-over from the MQTT client (16 requests; more are dropped and counted), the bucket
/// (<c>rate_limited</c>), the reads running at once (<c>busy</c>), the wait for the sensor (<c>timeout</c>) and each
/// answer's publish.
/// </summary>
public sealed class OnCallResponder : IDisposable
{
    private const int QueueCapacity = 16;

    private readonly NodeIdentity _node;
    private readonly Dictionary<string, SensorRunner> _runners;
    private readonly OnCallSection _limits;
    private readonly Func<IMqttClient> _client;
    private readonly TimeSpan _publishTimeout;
    private readonly EdgeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TokenBucket _bucket;
    private readonly SemaphoreSlim _inFlight;
    private readonly string _replyTail;
    private readonly Channel<OnCallCall> _calls = Channel.CreateBounded<OnCallCall>(new BoundedChannelOptions(QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: Offer counts the drop
        SingleReader = true,
    });

    public OnCallResponder(
        NodeIdentity node,
        IEnumerable<SensorRunner> runners,
        OnCallSection limits,
        Func<IMqttClient> client,
        TimeSpan publishTimeout,
        EdgeMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _node = node;
        _runners = runners.ToDictionary(r => r.SensorId, StringComparer.Ordinal);
        _limits = limits;
        _client = client;
        _publishTimeout = publishTimeout;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _bucket = new TokenBucket(limits.RatePerMinute / 60.0, limits.Burst, time);
        _inFlight = new SemaphoreSlim(limits.MaxInFlight, limits.MaxInFlight);
        _replyTail = "/" + node.NodeId;
        Topic = Topics.For(node, Topics.Cmd);
    }

    /// <summary>The node's <c>cmd</c> topic.</summary>
    public string Topic { get; }

    /// <summary>Subscribes to the node's <c>cmd</c> topic (after every connect); logs a refusal (the ACL).</summary>
    public async Task SubscribeAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        if (await Publishing.NodeSubscription.SubscribeAsync(client, Topic, cancellationToken).ConfigureAwait(false) is { } code)
        {
            _logger.LogError("The broker refused the subscription to {Topic} ({Code}): on-call reads will not arrive; check the ACL (deploy/mosquitto/acl)", Topic, code);
        }
    }

    /// <summary>Takes a message from the MQTT client (never waits: the client's receive loop must not block). False when it is not for us or was dropped.</summary>
    public bool Offer(MqttApplicationMessage message)
    {
        if (!string.Equals(message.Topic, Topic, StringComparison.Ordinal))
        {
            return false;
        }

        _logger.LogDebug("On-call request received ({Bytes} bytes, response topic {Topic})", message.Payload.Length, message.ResponseTopic ?? "none");
        var call = new OnCallCall(message.Payload.Length > OnCallRequestCheck.MaxPayloadBytes ? new byte[OnCallRequestCheck.MaxPayloadBytes + 1] : message.Payload.ToArray(), message.ResponseTopic, message.CorrelationData);
        if (_calls.Writer.TryWrite(call))
        {
            return true;
        }

        Count("dropped");
        _logger.LogWarning("On-call request dropped: {Capacity} requests already wait (answer nothing; the requester times out)", QueueCapacity);
        return false;
    }

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled (with the sensor runners), then waits for the reads in progress.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var call in _calls.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await HandleAsync(call, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Reads in progress end quickly once the token is cancelled (the runner stops its poll); take every slot back.
        for (int i = 0; i < _limits.MaxInFlight; i++)
        {
            await _inFlight.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(OnCallCall call, CancellationToken stoppingToken)
    {
        if (!IsReplyTopic(call.ResponseTopic))
        {
            Count("no_response_topic");
            _logger.LogWarning("On-call request without a valid Response Topic ({Topic}): not executed, nowhere to answer (expected {Prefix}{{requester}}/{Node})", call.ResponseTopic ?? "none", Topics.RepliesPrefix, _node.NodeId);
            return;
        }

        var now = _time.GetUtcNow();
        if (OnCallRequestCheck.Check(call.Payload, now, _runners.ContainsKey, out var request) is { } refusal)
        {
            await AnswerAsync(call, Error(request?.Sensor, refusal.Code, refusal.Message)).ConfigureAwait(false);
            return;
        }

        if (_bucket.TryTake(1) == 0)
        {
            await AnswerAsync(call, Error(request!.Sensor, OnCallResponse.RateLimited, $"this node executes at most {_limits.RatePerMinute} on-call requests per minute (burst {_limits.Burst}); ask again in {_bucket.TimeUntilNext().TotalSeconds:0.#} s")).ConfigureAwait(false);
            return;
        }

        if (!_inFlight.Wait(0, CancellationToken.None))
        {
            await AnswerAsync(call, Error(request!.Sensor, OnCallResponse.Busy, $"this node already runs {_limits.MaxInFlight} on-call reads; ask again shortly")).ConfigureAwait(false);
            return;
        }

        // The read runs beside this loop, so a slow sensor does not hold the answers to other requests.
        _ = Task.Run(() => ExecuteAsync(call, request!, now, stoppingToken), CancellationToken.None);
    }

    private async Task ExecuteAsync(OnCallCall call, OnCallRequest request, DateTimeOffset received, CancellationToken stoppingToken)
    {
        try
        {
            var runner = _runners[request.Sensor!];
            var untilExpiry = DateTimeOffset.FromUnixTimeMilliseconds(request.Expires) - received;
            var wait = TimeSpan.FromMilliseconds(Math.Clamp(untilExpiry.TotalMilliseconds, 0, _limits.TimeoutMs));
            _logger.LogInformation("On-call read of {Sensor} asked by {By}", request.Sensor, request.By ?? "(unnamed)");
            var result = await runner.ReadNowAsync(wait, stoppingToken).ConfigureAwait(false);
            var answer = result is null
                ? Error(request.Sensor, OnCallResponse.Timeout, $"the sensor was busy (a poll in progress or its bus held) for {wait.TotalMilliseconds:0} ms; not read")
                : new OnCallResponse
                {
                    Node = _node.NodeId,
                    Sensor = request.Sensor,
                    Status = result.Readings.Count > 0 ? OnCallResponse.Ok : OnCallResponse.Fault,
                    Readings = [.. result.Readings.Select(r => OnCallReading.From(r))],
                    Faults = [.. result.Faults.Select(f => new FaultInfo(f.Code, f.Message, f.Timestamp.ToUnixTimeMilliseconds()))],
                    Timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                };
            await AnswerAsync(call, answer).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Count("stopped"); // the node stops: no answer, the requester times out
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogError(ex, "On-call read of {Sensor} failed", request.Sensor);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private bool IsReplyTopic(string? topic) =>
        topic is not null
        && topic.StartsWith(Topics.RepliesPrefix, StringComparison.Ordinal)
        && topic.EndsWith(_replyTail, StringComparison.Ordinal)
        && topic.Length > Topics.RepliesPrefix.Length + _replyTail.Length
        && topic.AsSpan(Topics.RepliesPrefix.Length, topic.Length - Topics.RepliesPrefix.Length - _replyTail.Length).IndexOfAny('/', '+', '#') < 0;

    private OnCallResponse Error(string? sensor, string code, string message) => new()
    {
        Node = _node.NodeId,
        Sensor = sensor,
        Status = OnCallResponse.Failed,
        Error = code,
        Message = message,
        Timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds(),
    };

    private async Task AnswerAsync(OnCallCall call, OnCallResponse answer)
    {
        Count(answer.Error ?? answer.Status);
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(call.ResponseTopic!)
            .WithPayload(ContractJson.Serialize(answer, ContractJsonContext.Default.OnCallResponse))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .WithMessageExpiryInterval((uint)Math.Max(1, Math.Ceiling(_publishTimeout.TotalSeconds)));
        if (call.CorrelationData is { } correlation)
        {
            builder = builder.WithCorrelationData(correlation);
        }

        try
        {
            using var timeout = new CancellationTokenSource(_publishTimeout, _time);
            var result = await _client().PublishAsync(builder.Build(), timeout.Token).ConfigureAwait(false);
            if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                _logger.LogWarning("The broker refused the on-call answer on {Topic}: {Code} {Reason} (check the ACL for replies)", call.ResponseTopic, result.ReasonCode, result.ReasonString);
            }
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            _logger.LogWarning("Publishing the on-call answer on {Topic} failed ({Error}); the requester times out", call.ResponseTopic, ex.Message);
        }
    }

    public void Dispose() => _inFlight.Dispose();

    private void Count(string outcome) => _metrics.OnCallRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
