using System.Diagnostics.Metrics;
using System.Threading.Channels;
using CityBrain.Hub.Configuration;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// The hub's half of the end-to-end acknowledgement: once a telemetry message is handled for good (every reading
/// stored in every sink or dead-lettered on disk: the moment its PUBACK is released), <see cref="Handled"/> records its
/// sequence ranges; <see cref="RunAsync"/> publishes them per node on <c>{node topic}/ack</c> (schema ack.v1, QoS 1,
/// not retained), coalesced to at most one message per node every <see cref="AckOptions.IntervalMilliseconds"/>.
/// Not retained: a node that was away misses some, and re-sends what stays unacknowledged while later readings are
/// acknowledged (the re-sent readings are stored again idempotently and acknowledged again). Lost acknowledgements
/// cost duplicates, never readings, so a publish that fails is counted and not retried.
/// </summary>
public sealed class AckPublisher
{
    private readonly AckOptions _options;
    private readonly string? _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Counter<long> _published;
    private readonly Counter<long> _failed;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private Dictionary<NodeTopic, List<SeqRange>> _pending = [];

    public AckPublisher(AckOptions options, string? hub, IngestMetrics metrics, TimeProvider time, ILogger logger)
    {
        _options = options;
        _hub = hub;
        _time = time;
        _logger = logger;
        _published = metrics.Meter.CreateCounter<long>("citybrain.hub.acks.published", "{message}", "End-to-end acknowledgements published to nodes");
        _failed = metrics.Meter.CreateCounter<long>("citybrain.hub.acks.failed", "{message}", "End-to-end acknowledgements that could not be published (the nodes re-send)");
    }

    /// <summary>An inclusive sequence range.</summary>
    public readonly record struct SeqRange(long First, long Last);

    /// <summary>Nodes with acknowledgements waiting for the next publish.</summary>
    public int PendingNodes
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// The sequence numbers a message carries (its readings and its rejected readings with a readable seq) as inclusive
    /// ranges: read before the message goes back to the pool. Empty when acknowledgements are off.
    /// </summary>
    public IReadOnlyList<SeqRange> RangesOf(TelemetryMessage message)
    {
        if (!_options.Enabled)
        {
            return [];
        }

        var ranges = new List<SeqRange>(1);
        foreach (var (seq, _) in message.ReadingSpan())
        {
            Add(ranges, seq);
        }

        foreach (var rejected in message.Rejected)
        {
            if (rejected.Seq is { } seq)
            {
                Add(ranges, seq);
            }
        }

        return ranges;
    }

    /// <summary>Records that the readings in <paramref name="ranges"/> of the node of <paramref name="topic"/> are handled for good.</summary>
    public void Handled(NodeTopic topic, IReadOnlyList<SeqRange> ranges)
    {
        if (ranges.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!_pending.TryGetValue(topic, out var list))
            {
                _pending[topic] = list = new List<SeqRange>(ranges.Count);
            }

            list.AddRange(ranges);
        }

        _signal.Writer.TryWrite(true);
    }

    /// <summary>Publishes the recorded ranges with <paramref name="client"/> until cancelled.</summary>
    public async Task RunAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromMilliseconds(_options.IntervalMilliseconds);
        // Not disposed: a send still running when the loop is cancelled releases it afterwards.
        var inFlight = new SemaphoreSlim(_options.MaxInFlight, _options.MaxInFlight);
        try
        {
            while (await _signal.Reader.WaitToReadAsync(cancellationToken))
            {
                _signal.Reader.TryRead(out _);
                Dictionary<NodeTopic, List<SeqRange>> due;
                lock (_gate)
                {
                    due = _pending;
                    _pending = [];
                }

                var sends = new List<Task>(due.Count);
                foreach (var (topic, ranges) in due)
                {
                    foreach (var message in Messages(topic, ranges))
                    {
                        await inFlight.WaitAsync(cancellationToken);
                        sends.Add(PublishAsync(client, message, inFlight, cancellationToken));
                    }
                }

                await Task.WhenAll(sends);

                // Coalescing: what is handled meanwhile goes out together in the next round.
                await Task.Delay(interval, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The node's ack messages: ranges sorted and merged, at most <see cref="AckMessage.MaxRanges"/> per message.</summary>
    internal IEnumerable<MqttApplicationMessage> Messages(NodeTopic topic, List<SeqRange> ranges)
    {
        ranges.Sort((a, b) => a.First.CompareTo(b.First));
        var merged = new List<long[]>(Math.Min(ranges.Count, AckMessage.MaxRanges));
        string ackTopic = $"{Topics.Prefix}{topic.District}/{topic.Grid}/{topic.Node}/{Topics.Ack}";
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (int i = 0; i < ranges.Count; i++)
        {
            var r = ranges[i];
            if (merged.Count > 0 && r.First <= merged[^1][1] + 1)
            {
                merged[^1][1] = Math.Max(merged[^1][1], r.Last);
                continue;
            }

            if (merged.Count == AckMessage.MaxRanges)
            {
                yield return Build(ackTopic, topic.Node, now, merged);
                merged = new List<long[]>(AckMessage.MaxRanges);
            }

            merged.Add([r.First, r.Last]);
        }

        if (merged.Count > 0)
        {
            yield return Build(ackTopic, topic.Node, now, merged);
        }
    }

    private MqttApplicationMessage Build(string topic, string node, long now, List<long[]> ranges) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(ContractJson.Serialize(new AckMessage { Node = node, Timestamp = now, Ranges = ranges, Hub = _hub }, ContractJsonContext.Default.AckMessage))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .Build();

    private async Task PublishAsync(IMqttClient client, MqttApplicationMessage message, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var result = await client.PublishAsync(message, timeout.Token);
            if (result.IsSuccess || result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                _published.Add(1); // 0x10: the node is not connected now; it re-sends what it misses
            }
            else
            {
                _failed.Add(1);
                _logger.LogDebug("Acknowledgement on {Topic} refused by the broker: {Code} (check the ACL: the hub writes +/+/+/ack)", message.Topic, result.ReasonCode);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !FatalErrors.IsFatal(ex))
        {
            _failed.Add(1);
            _logger.LogDebug("Acknowledgement on {Topic} not published ({Error}); the node re-sends what it misses", message.Topic, ex.Message);
        }
        finally
        {
            inFlight.Release();
        }
    }

    private static void Add(List<SeqRange> ranges, long seq)
    {
        if (ranges.Count > 0 && ranges[^1].Last + 1 == seq)
        {
            ranges[^1] = ranges[^1] with { Last = seq };
        }
        else
        {
            ranges.Add(new SeqRange(seq, seq));
        }
    }
}
