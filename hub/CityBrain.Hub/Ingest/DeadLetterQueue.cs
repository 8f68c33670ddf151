using System.Threading.Channels;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Dead letters waiting to be published on <see cref="Topics.DeadLetter"/> (QoS 1) by the MQTT connection. Bounded:
/// when a flood of bad input outruns the broker, the oldest dead letters are dropped and counted (the rejected
/// messages themselves are never written either way).
/// </summary>
public sealed class DeadLetterQueue
{
    private readonly Channel<DeadLetterMessage> _channel;
    private long _dropped;
    private readonly IngestMetrics _metrics;
    private readonly RateLimitedLogger _log;
    private readonly TimeProvider _time;
    private readonly string _instance;

    public DeadLetterQueue(IngestMetrics metrics, ILogger<DeadLetterQueue> logger, TimeProvider time, string instance)
    {
        _metrics = metrics;
        _time = time;
        _instance = instance;
        _log = new RateLimitedLogger(logger, time, TimeSpan.FromSeconds(10));
        _channel = Channel.CreateBounded<DeadLetterMessage>(
            new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelReader<DeadLetterMessage> Reader => _channel.Reader;

    /// <summary>Dead letters dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Counts, logs (rate-limited) and queues a rejection.</summary>
    public void Reject(string code, string reason, string topic, ReadOnlySpan<byte> payloadHead, long payloadBytes)
    {
        _metrics.Rejected(code);
        _log.Warn(code, "Rejected input on {Topic}: {Code}: {Reason}", topic, code, reason);
        var head = payloadHead.Length > 1024 ? payloadHead[..1024] : payloadHead;
        _channel.Writer.TryWrite(new DeadLetterMessage
        {
            Code = code,
            Reason = reason,
            Topic = topic,
            ReceivedTimestamp = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            PayloadBytes = payloadBytes,
            PayloadHead = Convert.ToBase64String(head),
            Hub = _instance,
        });
    }
}
