using System.Text.Json;
using CityBrain.Edge.Buffering;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Edge.Publishing;

/// <summary>
/// The node's half of the end-to-end acknowledgement (publish setting <c>deliveryAck: hub</c>). A reading the broker
/// acknowledged (PUBACK) stays in the buffer as awaiting the hub (<see cref="SentAsync"/>); it leaves when the hub's
/// acknowledgement on the node's <c>ack</c> topic (schema ack.v1) covers it (<see cref="OfferAsync"/>). Readings
/// awaiting longer than <c>ackTimeout</c> are handed back to the publisher and sent again, but only when the hub
/// has meanwhile acknowledged readings sent after them: then the hub is working and these were lost on the way (a
/// broker killed with a queue, a shared-subscription member that never returns); a hub that is simply away causes no
/// re-sends. A range sent again and still not acknowledged waits <see cref="SlowRetryFactor"/> times longer before the
/// next try. Memory is bounded: sent readings are tracked as runs per message, merged when sent close together, at
/// most <see cref="MaxEntries"/> of them (beyond, the oldest two are merged: a later re-send, never a lost reading).
/// </summary>
public sealed class HubAckTracker
{
    /// <summary>Tracked send runs at most.</summary>
    public const int MaxEntries = 1024;

    /// <summary>A range re-sent once waits this many timeouts before it is sent again.</summary>
    public const int SlowRetryFactor = 8;

    private const int MaxRememberedRuns = 256;

    private readonly IReadingBuffer _buffer;
    private readonly TimeSpan _ackTimeout;
    private readonly TimeSpan _granularity;
    private readonly TimeProvider _time;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _node;
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly IntervalSet _hubAcked = new();
    private readonly IntervalSet _resent = new();
    private long _lastAckedSentAt = long.MinValue;
    private long _resentCount;
    private long _acknowledged;
    private long _refused;

    public HubAckTracker(IReadingBuffer buffer, NodeIdentity node, TimeSpan ackTimeout, TimeProvider time, EdgeMetrics metrics, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ackTimeout, TimeSpan.Zero);
        _buffer = buffer;
        _ackTimeout = ackTimeout;
        _granularity = TimeSpan.FromTicks(Math.Min(ackTimeout.Ticks / 8, TimeSpan.TicksPerSecond));
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _node = node.NodeId;
        Topic = Topics.For(node, Topics.Ack);
    }

    /// <summary>The node's <c>ack</c> topic.</summary>
    public string Topic { get; }

    /// <summary>Readings sent again because later ones were acknowledged and these were not.</summary>
    public long Resent => Interlocked.Read(ref _resentCount);

    /// <summary>Readings the hub's acknowledgements removed from the buffer.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Acknowledgement messages refused (not JSON, wrong version or node, bad ranges).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>How often <see cref="RunAsync"/> looks for readings to re-send.</summary>
    public TimeSpan CheckPeriod => TimeSpan.FromTicks(Math.Clamp(_ackTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond * 5));

    /// <summary>Subscribes to the node's <c>ack</c> topic (after every connect); logs a refusal (the ACL).</summary>
    public async Task SubscribeAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        if (await NodeSubscription.SubscribeAsync(client, Topic, cancellationToken).ConfigureAwait(false) is { } code)
        {
            _logger.LogError("The broker refused the subscription to {Topic} ({Code}): readings stay in the buffer until they expire; check the ACL (deploy/mosquitto/acl) or set publish.deliveryAck to broker", Topic, code);
        }
    }

    /// <summary>
    /// Ends a published batch: its first <paramref name="sentCount"/> readings were acknowledged by the broker and now
    /// await the hub (the rest go back to the buffer as usual).
    /// </summary>
    public async ValueTask SentAsync(BufferBatch batch, int sentCount, CancellationToken cancellationToken)
    {
        await _buffer.EndBatchAwaitingAsync(batch, sentCount, cancellationToken).ConfigureAwait(false);
        if (sentCount == 0)
        {
            return;
        }

        long now = _time.GetTimestamp();
        List<SeqRun> early = [];
        lock (_gate)
        {
            long start = batch.Readings[0].Seq;
            long end = start + 1;
            for (int i = 1; i <= sentCount; i++)
            {
                if (i < sentCount && batch.Readings[i].Seq == end)
                {
                    end++;
                    continue;
                }

                AddEntryLocked(start, end, now);

                // The hub's acknowledgement can overtake the PUBACK: apply what it already said.
                early.AddRange(_hubAcked.RunsIn(start, end));
                if (i < sentCount)
                {
                    start = batch.Readings[i].Seq;
                    end = start + 1;
                }
            }
        }

        foreach (var run in early)
        {
            await AcknowledgeAsync(run.Start, run.End, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes a message from the MQTT client. False when it is not for this tracker.</summary>
    public async ValueTask<bool> OfferAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (!string.Equals(message.Topic, Topic, StringComparison.Ordinal))
        {
            return false;
        }

        if (!TryRead(message, out var ack, out string? problem))
        {
            Interlocked.Increment(ref _refused);
            _logger.LogWarning("Acknowledgement on {Topic} ignored: {Problem}", Topic, problem);
            return true;
        }

        long previous = long.MinValue;
        foreach (long[] range in ack!.Ranges)
        {
            if (range[0] <= previous)
            {
                _logger.LogDebug("Acknowledgement ranges out of order ({First} after {Previous}); applied anyway", range[0], previous);
            }

            previous = range[1];
            await AcknowledgeAsync(range[0], range[1] + 1, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Looks for overdue readings every <see cref="CheckPeriod"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(CheckPeriod, _time, cancellationToken).ConfigureAwait(false);
                await ResendOverdueAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Hands back to the buffer the readings awaiting the hub longer than the timeout that were sent before readings the
    /// hub has acknowledged since; returns how many it handed back.
    /// </summary>
    public async ValueTask<long> ResendOverdueAsync(CancellationToken cancellationToken)
    {
        List<Entry>? due = null;
        lock (_gate)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                var e = _entries[i];
                var timeout = e.Resent ? _ackTimeout * SlowRetryFactor : _ackTimeout;
                if (e.SentAt < _lastAckedSentAt && _time.GetElapsedTime(e.SentAt) >= timeout)
                {
                    (due ??= []).Add(e);
                    _entries.RemoveAt(i--);
                    _resent.Add(e.Start, e.End);
                    Trim(_resent);
                }
            }
        }

        if (due is null)
        {
            return 0;
        }

        long released = 0;
        foreach (var e in due)
        {
            released += await _buffer.ReleaseAsync(e.Start, e.End, cancellationToken).ConfigureAwait(false);
        }

        if (released > 0)
        {
            Interlocked.Add(ref _resentCount, released);
            _metrics.PublishResent.Add(released);
            _logger.LogWarning(
                "{Count} readings (seq {First}..{Last}) were acknowledged by the broker but not by the hub within {Timeout}, while later ones were: sending them again (lost between broker and hub)",
                released, due.Min(e => e.Start), due.Max(e => e.End) - 1, _ackTimeout);
        }

        return released;
    }

    private async ValueTask AcknowledgeAsync(long start, long end, CancellationToken cancellationToken)
    {
        long removed = await _buffer.AcknowledgeAsync(start, end, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            Interlocked.Add(ref _acknowledged, removed);
            _metrics.HubAcknowledged.Add(removed);
        }

        lock (_gate)
        {
            _hubAcked.Add(start, end);
            Trim(_hubAcked);
            _resent.Remove(start, end);
            for (int i = 0; i < _entries.Count; i++)
            {
                var e = _entries[i];
                if (e.End <= start || e.Start >= end)
                {
                    continue;
                }

                _lastAckedSentAt = Math.Max(_lastAckedSentAt, e.SentAt);
                if (start <= e.Start && end >= e.End)
                {
                    _entries.RemoveAt(i--);
                }
                else if (start <= e.Start)
                {
                    _entries[i] = e with { Start = end };
                }
                else if (end >= e.End)
                {
                    _entries[i] = e with { End = start };
                }
            }
        }
    }

    private void AddEntryLocked(long start, long end, long now)
    {
        bool resent = _resent.CountIn(start, end) > 0;
        if (_entries.Count > 0)
        {
            var tail = _entries[^1];
            if (tail.Resent == resent && start <= tail.End && end >= tail.Start && _time.GetElapsedTime(tail.SentAt, now) < _granularity)
            {
                _entries[^1] = tail with { Start = Math.Min(start, tail.Start), End = Math.Max(end, tail.End) };
                return;
            }
        }

        _entries.Add(new Entry(start, end, now, resent));
        if (_entries.Count > MaxEntries)
        {
            // Coarser, never looser: the merged run counts as sent at the later time (re-sent later, not earlier).
            var a = _entries[0];
            var b = _entries[1];
            _entries[0] = new Entry(Math.Min(a.Start, b.Start), Math.Max(a.End, b.End), Math.Max(a.SentAt, b.SentAt), a.Resent || b.Resent);
            _entries.RemoveAt(1);
        }
    }

    private static void Trim(IntervalSet set)
    {
        while (set.RunCount > MaxRememberedRuns)
        {
            set.Remove(set[0].Start, set[0].End);
        }
    }

    private bool TryRead(MqttApplicationMessage message, out AckMessage? ack, out string? problem)
    {
        ack = null;
        try
        {
            var reader = new Utf8JsonReader(message.Payload);
            ack = JsonSerializer.Deserialize(ref reader, ContractJsonContext.Default.AckMessage);
        }
        catch (JsonException ex)
        {
            problem = $"not an ack.v1 message: {ex.Message}";
            return false;
        }

        problem = ack switch
        {
            null => "empty",
            { Version: not 1 } => $"$.v: version {ack.Version} is not supported (this node reads version 1)",
            _ when !string.Equals(ack.Node, _node, StringComparison.Ordinal) => $"$.node '{ack.Node}' is not this node",
            { Ranges: null } => "$.ranges is missing",
            _ when ack.Ranges.Count > AckMessage.MaxRanges => $"$.ranges has {ack.Ranges.Count} ranges, more than {AckMessage.MaxRanges}",
            _ => ack.Ranges.Select((r, i) => r is not { Length: 2 } || r[0] < 0 || r[1] < r[0] ? $"$.ranges[{i}] is not [first, last] with 0 <= first <= last" : null)
                .FirstOrDefault(p => p is not null),
        };
        return problem is null;
    }

    private readonly record struct Entry(long Start, long End, long SentAt, bool Resent);
}
