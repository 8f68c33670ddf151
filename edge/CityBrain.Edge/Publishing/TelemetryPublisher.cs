using System.Buffers;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace CityBrain.Edge.Publishing;

/// <summary>
/// Moves readings from the buffer to the broker with QoS 1: a reading leaves the buffer only after its PUBACK, or, with a
/// <see cref="HubAckTracker"/> (<c>deliveryAck: hub</c>), only after the hub acknowledged storing it.
/// Live first: every worker takes from the live lane before the backlog, and the backlog drains through a token
/// bucket, so after an outage the city sees the present at once and the past soon after.
/// A PUBACK with reason 0x10 "No matching subscribers" is not delivery: the readings stay and telemetry is held
/// (<see cref="NoSubscriberHold"/>) until a probe reaches a subscriber. A batch whose message would exceed
/// <see cref="PublisherOptions.MaxMessageBytes"/> goes out as several messages. Batches by size and age without a
/// fixed delay: a full batch goes at once, a partial one at once unless another partial batch awaits its PUBACK
/// (<see cref="PartialBatchGate"/>, at most <see cref="PublisherOptions.MaxBatchDelay"/>).
/// </summary>
public sealed class TelemetryPublisher
{
    private readonly IReadingBuffer _buffer;
    private readonly MqttConnectionSupervisor _connection;
    private readonly NodeIdentity _node;
    private readonly PublisherOptions _options;
    private readonly TimeProvider _time;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TokenBucket _backlogBucket;
    private readonly Lock _bucketGate = new();
    private readonly NoSubscriberHold _hold;
    private readonly PartialBatchGate _partials;
    private readonly Pipeline.LoadShedder? _shedder;
    private readonly HubAckTracker? _hubAck;
    private readonly string _topic;
    private long _messages;
    private long _readings;
    private long _failures;
    private long _noSubscribers;

    public TelemetryPublisher(
        IReadingBuffer buffer,
        MqttConnectionSupervisor connection,
        NodeIdentity node,
        PublisherOptions options,
        TimeProvider time,
        EdgeMetrics metrics,
        ILogger logger,
        Pipeline.LoadShedder? shedder = null,
        HubAckTracker? hubAck = null)
    {
        _shedder = shedder;
        _hubAck = hubAck;
        _buffer = buffer;
        _connection = connection;
        _node = node;
        _options = options;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _topic = Topics.For(node, Topics.Telemetry);
        _backlogBucket = new TokenBucket(options.BacklogReadingsPerSecond, Math.Max(options.BacklogReadingsPerSecond, options.MaxBatchReadings), time);
        _hold = new NoSubscriberHold(options.NoSubscriberRetryMin, options.NoSubscriberRetryMax, time);
        _partials = new PartialBatchGate(options.MaxBatchDelay, time);
    }

    public LatencyHistogram Latency { get; } = new();

    public long Messages => Interlocked.Read(ref _messages);

    public long Readings => Interlocked.Read(ref _readings);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Telemetry messages the broker answered with 0x10 "No matching subscribers" (their readings were kept).</summary>
    public long NoSubscribers => Interlocked.Read(ref _noSubscribers);

    /// <summary>The end-to-end acknowledgement (<c>deliveryAck: hub</c>), or null when readings leave on PUBACK.</summary>
    public HubAckTracker? HubAck => _hubAck;

    /// <summary>True while telemetry is held because the broker reports no subscriber.</summary>
    public bool IsHeld => _hold.IsHeld;

    public Task RunAsync(CancellationToken cancellationToken)
    {
        var workers = new Task[_options.MaxInFlight];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkerAsync(cancellationToken), CancellationToken.None);
        }

        return Task.WhenAll(workers);
    }

    private async Task WorkerAsync(CancellationToken cancellationToken)
    {
        var payload = new ArrayBufferWriter<byte>(64 * 1024);
        var backoff = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _connection.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
                bool probe = await _hold.WaitAsync(cancellationToken).ConfigureAwait(false);
                BufferBatch? batch;
                bool partial;
                try
                {
                    (batch, partial) = await TakeBatchAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (probe)
                {
                    _hold.EndProbe();
                    throw;
                }

                if (batch is null)
                {
                    if (probe)
                    {
                        _hold.EndProbe();
                    }

                    continue;
                }

                bool published;
                try
                {
                    published = await PublishAsync(batch, payload, probe, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (partial)
                    {
                        _partials.Exit();
                    }
                }

                if (published)
                {
                    backoff = TimeSpan.Zero;
                }
                else
                {
                    // A cancelled publish may still be queued inside MQTTnet with our bytes: never reuse that buffer.
                    payload = new ArrayBufferWriter<byte>(64 * 1024);

                    // The connection is probably going down: give the supervisor time to notice instead of spinning.
                    backoff = TimeSpan.FromMilliseconds(Math.Clamp(backoff.TotalMilliseconds * 2, 50, 2000));
                    await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A live batch if there is one, else a paced backlog batch; null after waiting when there is nothing to send.
    /// A partial live batch goes through <see cref="PartialBatchGate"/> (<c>Partial</c> true: the caller exits the
    /// gate when the batch is answered); a full one goes at once.
    /// </summary>
    private async Task<(BufferBatch? Batch, bool Partial)> TakeBatchAsync(CancellationToken cancellationToken)
    {
        long waitingSince = 0;
        bool overtake = false;
        while (true)
        {
            var live = await _buffer.BeginBatchAsync(BufferLane.Live, _options.MaxBatchReadings, cancellationToken).ConfigureAwait(false);
            if (live.IsEmpty)
            {
                await _buffer.EndBatchAsync(live, 0, cancellationToken).ConfigureAwait(false);
                return (await TakeBacklogOrWaitAsync(cancellationToken).ConfigureAwait(false), false);
            }

            if (live.Count >= _options.MaxBatchReadings)
            {
                ReportFullBatch(live);
                return (live, false);
            }

            if (overtake)
            {
                // Waited maxBatchDelayMs for the partial batch in flight: this one goes beside it.
                _partials.Overtake();
                return (live, true);
            }

            // A partial batch means the live lane is drained: the node delivers what it samples.
            _shedder?.ReportWait(TimeSpan.Zero);
            if (_partials.TryEnter())
            {
                return (live, true);
            }

            // Another partial batch awaits its PUBACK: give these back and let the next readings join them.
            await _buffer.EndBatchAsync(live, 0, cancellationToken).ConfigureAwait(false);
            if (waitingSince == 0)
            {
                waitingSince = _time.GetTimestamp();
            }

            overtake = !await _partials.WaitAsync(waitingSince, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A full live batch: readings arrive faster than they leave, and its oldest reading's wait since its poll is what
    /// <see cref="Pipeline.LoadShedder"/> holds against <c>shedAfterMs</c> (a slow link that keeps up sends partial
    /// batches, so its round trip alone never sheds).
    /// </summary>
    private void ReportFullBatch(BufferBatch live)
    {
        if (_shedder is { Enabled: true })
        {
            _shedder.ReportWait(TimeSpan.FromMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds() - live.Readings[0].Reading.TimestampMs));
        }
    }

    private async Task<BufferBatch?> TakeBacklogOrWaitAsync(CancellationToken cancellationToken)
    {
        int allowance;
        lock (_bucketGate)
        {
            allowance = _backlogBucket.TryTake(_options.MaxBatchReadings);
        }

        if (allowance > 0)
        {
            var backlog = await _buffer.BeginBatchAsync(BufferLane.Backlog, allowance, cancellationToken).ConfigureAwait(false);
            lock (_bucketGate)
            {
                _backlogBucket.Return(allowance - backlog.Count);
            }

            if (!backlog.IsEmpty)
            {
                return backlog;
            }

            await _buffer.EndBatchAsync(backlog, 0, cancellationToken).ConfigureAwait(false);
        }

        // Nothing to send now: wait for new readings (bounded, so a paced backlog is picked up again).
        TimeSpan wait;
        lock (_bucketGate)
        {
            wait = _backlogBucket.TimeUntilNext();
        }

        using var cts = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(250), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cts.Token);
        try
        {
            await _buffer.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return null;
    }

    /// <summary>
    /// Publishes one batch, in as many messages as <see cref="PublisherOptions.MaxMessageBytes"/> needs; the readings
    /// that reached a subscriber leave the buffer, the rest stay. True when every message sent got a PUBACK (also
    /// 0x10), false when a publish failed or was not acknowledged.
    /// </summary>
    private async Task<bool> PublishAsync(BufferBatch batch, ArrayBufferWriter<byte> payload, bool probe, CancellationToken cancellationToken)
    {
        int accepted = 0;
        bool answered = false;
        bool failed = false;
        try
        {
            var sent = _time.GetUtcNow();
            while (accepted < batch.Count)
            {
                int count = TelemetryMessageWriter.WriteFitting(_node.NodeId, sent, batch.Readings, accepted, _options.MaxMessageBytes, payload);
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(_topic)
                    .WithPayload(WrittenSegment(payload))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithContentType("application/json")
                    .Build();
                using var timeout = new CancellationTokenSource(_options.PublishTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                var result = await _connection.Client.PublishAsync(message, linked.Token).ConfigureAwait(false);
                long first = batch.Readings[accepted].Seq;
                long last = batch.Readings[accepted + count - 1].Seq;
                if (result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    RecordNoSubscribers(first, last, probe);
                    answered = true;
                    break;
                }

                if (!result.IsSuccess)
                {
                    failed = true;
                    Fail($"broker did not accept telemetry: {result.ReasonCode} {result.ReasonString}", batch.Count - accepted);
                    break;
                }

                _logger.LogDebug("Published seq {First}..{Last} ({Lane}, {Count} readings): {Reason}", first, last, batch.Lane, count, result.ReasonCode);
                if (probe)
                {
                    _logger.LogInformation("Telemetry reaches a subscriber again: the held readings go out");
                }

                _hold.Delivered(probe);
                answered = true;
                Record(count == batch.Count ? batch.Readings : new ReadingRange(batch.Readings, accepted, count), batch.Lane);
                accepted += count;
            }
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException or MqttClientNotConnectedException)
        {
            failed = true;
            if (!cancellationToken.IsCancellationRequested)
            {
                Fail($"{ex.GetType().Name}: {ex.Message} (seq {batch.Readings[accepted].Seq}..{batch.Readings[^1].Seq})", batch.Count - accepted);
            }
        }
        finally
        {
            if (probe && !answered)
            {
                _hold.EndProbe();
            }

            // Unacknowledged readings, and readings nobody received, stay in the buffer and go out again later. With the
            // end-to-end acknowledgement, the accepted ones stay too, awaiting the hub.
            if (_hubAck is not null)
            {
                await _hubAck.SentAsync(batch, accepted, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await _buffer.EndBatchAsync(batch, accepted, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return !failed;
    }

    private void RecordNoSubscribers(long first, long last, bool probe)
    {
        Interlocked.Increment(ref _noSubscribers);
        _metrics.PublishNoSubscribers.Add(1);
        bool wasHeld = _hold.IsHeld;
        _hold.NoSubscribers(probe);
        if (!wasHeld)
        {
            _logger.LogWarning(
                "The broker has no subscriber for telemetry (PUBACK 0x10, seq {First}..{Last}): readings kept in the buffer, telemetry held and retried after {Backoff} (up to every {Max}) until the hub subscribes",
                first, last, _hold.Backoff, _options.NoSubscriberRetryMax);
        }
        else
        {
            _logger.LogDebug("Still no subscriber for telemetry (seq {First}..{Last}); next try in {Backoff}", first, last, _hold.Backoff);
        }
    }

    /// <summary>
    /// The encoded message without a copy: MQTTnet has written the packet by the time PublishAsync returns with a
    /// PUBACK, so the worker reuses its buffer for the next batch (after a failure it takes a fresh one).
    /// </summary>
    private static ArraySegment<byte> WrittenSegment(ArrayBufferWriter<byte> payload) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload.WrittenMemory, out ArraySegment<byte> segment)
            ? segment
            : new ArraySegment<byte>(payload.WrittenMemory.ToArray());

    private void Record(IReadOnlyList<SequencedReading> readings, BufferLane lane)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _readings, readings.Count);
        if (_metrics.Published.Enabled)
        {
            // One Add per sensor run in the message, not per reading: cheap at hundreds of thousands of readings/s.
            int runStart = 0;
            for (int i = 1; i <= readings.Count; i++)
            {
                if (i == readings.Count || !string.Equals(readings[i].Reading.Sensor, readings[runStart].Reading.Sensor, StringComparison.Ordinal))
                {
                    _metrics.Published.Add(i - runStart, new KeyValuePair<string, object?>("sensor", readings[runStart].Reading.Sensor));
                    runStart = i;
                }
            }
        }
        if (lane != BufferLane.Live)
        {
            return;
        }

        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long newest = 0;
        foreach (var r in readings)
        {
            long ts = r.Reading.TimestampMs;
            Latency.Record(now - ts);
            newest = Math.Max(newest, ts);
        }

        _metrics.PublishLatency.Record(now - newest);
    }

    private void Fail(string error, int readings)
    {
        Interlocked.Increment(ref _failures);
        _metrics.PublishFailures.Add(1);
        _logger.LogWarning("Telemetry publish of {Count} readings failed, kept in the buffer: {Error}", readings, error);
        _connection.ReportFailure(error);
    }
}
