using System.Buffers;
using System.Threading.Channels;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Where everything the hub rejects goes: <see cref="RejectAsync"/> writes the dead letters durably to the
/// <see cref="DeadLetterStore"/> (the record an operator reads; the caller acknowledges the message only after it
/// returns), counts and logs them, then queues a copy without the whole payload for publication on
/// <see cref="Topics.DeadLetter"/> (QoS 1) by the MQTT connection. That queue is only the notification: bounded, its
/// oldest entries dropped and counted (<see cref="Dropped"/>) when a flood outruns the broker.
/// </summary>
public sealed class DeadLetterQueue
{
    private const int HeadBytes = 1024;

    private readonly Channel<DeadLetterMessage> _channel;
    private long _dropped;
    private readonly DeadLetterStore _store;
    private readonly IngestMetrics _metrics;
    private readonly RateLimitedLogger _log;
    private readonly TimeProvider _time;
    private readonly string _instance;

    public DeadLetterQueue(DeadLetterStore store, IngestMetrics metrics, ILogger<DeadLetterQueue> logger, TimeProvider time, string instance)
    {
        _store = store;
        _metrics = metrics;
        _time = time;
        _instance = instance;
        _log = new RateLimitedLogger(logger, time, TimeSpan.FromSeconds(10));
        _channel = Channel.CreateBounded<DeadLetterMessage>(
            new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelReader<DeadLetterMessage> Reader => _channel.Reader;

    public DeadLetterStore Store => _store;

    /// <summary>Published notifications dropped because their queue was full (the dead letters themselves are on disk).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Stores the letters durably (fsync'd), then counts, logs (rate-limited) and queues them for publication.</summary>
    public async Task RejectAsync(IReadOnlyList<DeadLetterMessage> letters, CancellationToken cancellationToken)
    {
        if (letters.Count == 0)
        {
            return;
        }

        await _store.AppendAsync(letters, cancellationToken);
        foreach (var letter in letters)
        {
            _metrics.Rejected(letter.Code);
            _log.Warn(letter.Code, "Rejected input on {Topic}: {Code}: {Reason}", letter.Topic, letter.Code, letter.Reason);
            _channel.Writer.TryWrite(letter.Payload is null ? letter : letter with { Payload = null });
        }
    }

    /// <summary>A whole message: its start for the published copy, all of it (unless <paramref name="keepWhole"/> is false: too large) for the file.</summary>
    public DeadLetterMessage ForMessage(ContractViolation violation, string topic, string? node, ReadOnlySequence<byte> payload, bool keepWhole)
    {
        var head = payload.Length > HeadBytes ? payload.Slice(0, HeadBytes) : payload;
        return new DeadLetterMessage
        {
            Code = violation.Code,
            Reason = violation.Message,
            Topic = topic,
            Node = node,
            ReceivedTimestamp = Now(),
            PayloadBytes = payload.Length,
            PayloadHead = Convert.ToBase64String(head.ToArray()),
            Payload = keepWhole ? Convert.ToBase64String(payload.ToArray()) : null,
            Hub = _instance,
        };
    }

    /// <summary>One reading of a message whose other readings are stored.</summary>
    public DeadLetterMessage ForReading(RejectedReading reading, string topic, string node, long payloadBytes) => new()
    {
        Code = reading.Violation.Code,
        Reason = reading.Violation.Message,
        Topic = topic,
        Node = node,
        Seq = reading.Seq,
        Sensor = reading.Sensor,
        Reading = reading.Json,
        ReceivedTimestamp = Now(),
        PayloadBytes = payloadBytes,
        Hub = _instance,
    };

    /// <summary>One point that could not be written: the line (when there is one) and why.</summary>
    public DeadLetterMessage ForPoint(string code, string reason, string topic, string node, long seq, string? line) => new()
    {
        Code = code,
        Reason = reason,
        Topic = topic,
        Node = node,
        Seq = seq,
        Line = line,
        ReceivedTimestamp = Now(),
        Hub = _instance,
    };

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
