using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using CityBrain.Sensing.Hosting;
using CityBrain.Hub.Sinks;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Counters of the ingest path on the System.Diagnostics.Metrics meter <c>CityBrain.Hub</c> (exported on /metrics),
/// plus in-process totals for <see cref="IngestStatistics"/> (tests, the stats endpoint, the benchmark).
/// </summary>
public sealed class IngestMetrics : ISinkMetrics, IDisposable
{
    public const string MeterName = "CityBrain.Hub";

    private readonly Meter _meter;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _pointsWritten;
    private readonly Counter<long> _pointsRefused;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _breakerOpened;
    private readonly Counter<long> _acknowledged;
    private readonly Histogram<double> _writeDuration;
    private readonly Histogram<double> _batchFill;
    private readonly ConcurrentDictionary<string, long> _rejectedByCode = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<long>> _receivedByKind = new(StringComparer.Ordinal);
    private long _receivedTotal;
    private long _pointsWrittenTotal;
    private long _messagesWrittenTotal;
    private long _retriesTotal;
    private long _unacknowledged;
    private long _unacknowledgedPeak;

    public IngestMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        // Per-message figures are observed at scrape time from in-process totals: a meter measurement per message
        // costs every listener (the /metrics exporter) work on the ingest path.
        _meter.CreateObservableCounter("citybrain.hub.messages.received", ObserveReceived, "{message}", "MQTT messages received, by kind");
        _rejected = _meter.CreateCounter<long>("citybrain.hub.messages.rejected", "{message}", "Messages or points dead-lettered, by code");
        _acknowledged = _meter.CreateCounter<long>("citybrain.hub.messages.acknowledged", "{message}", "Telemetry messages acknowledged after every sink stored them");
        _pointsWritten = _meter.CreateCounter<long>("citybrain.hub.points.written", "{point}", "Points stored, by sink");
        _pointsRefused = _meter.CreateCounter<long>("citybrain.hub.points.refused", "{point}", "Points a sink refused for good (dead-lettered), by sink");
        _retries = _meter.CreateCounter<long>("citybrain.hub.write.retries", "{retry}", "Write retries, by sink");
        _breakerOpened = _meter.CreateCounter<long>("citybrain.hub.write.breaker_opened", "{event}", "Circuit breaker openings, by sink");
        _meter.CreateObservableGauge("citybrain.hub.messages.unacknowledged", () => Unacknowledged, "{message}", "Telemetry held unacknowledged at the broker until stored");
        _meter.CreateObservableGauge("citybrain.hub.ingest.latency", ObserveLatency, "ms", "Source timestamp of the newest reading of a message to every sink accepted: p50, p99 and max since start (stat)");
        _writeDuration = _meter.CreateHistogram<double>("citybrain.hub.write.duration", "ms", "Time to store one batch in a sink, retries included, by sink");
        _batchFill = _meter.CreateHistogram<double>("citybrain.hub.batch.fill", "ms", "Time the batcher spent filling one batch (waiting for messages included)");
    }

    public Meter Meter => _meter;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Per reading: source timestamp to the node's <c>sent</c> (poll, intake, buffer, publisher batch).</summary>
    public LatencyHistogram PollToSent { get; } = new();

    /// <summary>Per message: the node's <c>sent</c> to the batcher taking it (PUBACK wait, broker, receive, queue).</summary>
    public LatencyHistogram SentToBatch { get; } = new();

    /// <summary>Per reading: source timestamp to the batcher taking its message.</summary>
    public LatencyHistogram PollToBatch { get; } = new();

    /// <summary>Per reading: source timestamp to every sink accepted it (the write acknowledged).</summary>
    public LatencyHistogram PollToAck { get; } = new();

    /// <summary>The per-hop histograms since start, for /ingest/stats (the whole-chain benchmark reads them).</summary>
    public IReadOnlyList<StageLatency> StageLatencies() =>
    [
        Stage("poll_to_sent", PollToSent),
        Stage("sent_to_batch", SentToBatch),
        Stage("poll_to_batch", PollToBatch),
        Stage("poll_to_ack", PollToAck),
    ];

    private static StageLatency Stage(string stage, LatencyHistogram histogram)
    {
        var b = histogram.Buckets();
        return new StageLatency(stage, b.Count, b.MaxMs, b.UpperMs, b.Counts);
    }

    public long ReceivedTotal => Interlocked.Read(ref _receivedTotal);

    public long PointsWrittenTotal => Interlocked.Read(ref _pointsWrittenTotal);

    public long MessagesWrittenTotal => Interlocked.Read(ref _messagesWrittenTotal);

    public long RetriesTotal => Interlocked.Read(ref _retriesTotal);

    /// <summary>Telemetry messages received and not yet acknowledged (queued, batching or being written).</summary>
    public long Unacknowledged => Interlocked.Read(ref _unacknowledged);

    public long UnacknowledgedPeak => Interlocked.Read(ref _unacknowledgedPeak);

    public void Held()
    {
        long now = Interlocked.Increment(ref _unacknowledged);
        long peak;
        while (now > (peak = Interlocked.Read(ref _unacknowledgedPeak)) && Interlocked.CompareExchange(ref _unacknowledgedPeak, now, peak) != peak)
        {
        }
    }

    public void Released(int messages) => Interlocked.Add(ref _unacknowledged, -messages);

    public IReadOnlyDictionary<string, long> RejectedByCode => new Dictionary<string, long>(_rejectedByCode, StringComparer.Ordinal);

    public void Received(string kind)
    {
        Interlocked.Increment(ref _receivedTotal);
        Interlocked.Increment(ref _receivedByKind.GetOrAdd(kind, static _ => new StrongBox<long>()).Value);
    }

    public void Rejected(string code)
    {
        _rejectedByCode.AddOrUpdate(code, 1, static (_, n) => n + 1);
        _rejected.Add(1, new KeyValuePair<string, object?>("code", code));
    }

    public void PointsWritten(string sink, int points) => _pointsWritten.Add(points, new KeyValuePair<string, object?>("sink", sink));

    public void WriteDuration(string sink, TimeSpan elapsed) => _writeDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("sink", sink));

    public void BatchFilled(TimeSpan elapsed) => _batchFill.Record(elapsed.TotalMilliseconds);

    public void PointsRefused(string sink, int points) => _pointsRefused.Add(points, new KeyValuePair<string, object?>("sink", sink));

    /// <summary>A batch is in every sink: its messages are acknowledged.</summary>
    public void BatchStored(int messages, int points)
    {
        Interlocked.Add(ref _messagesWrittenTotal, messages);
        Interlocked.Add(ref _pointsWrittenTotal, points);
        _acknowledged.Add(messages);
    }

    /// <summary>One message's end-to-end latency (the one histogram: /ingest/stats and the meter's gauge read it).</summary>
    public void LatencyObserved(long milliseconds) => Latency.Record(milliseconds);

    public void Retry(string sink)
    {
        Interlocked.Increment(ref _retriesTotal);
        _retries.Add(1, new KeyValuePair<string, object?>("sink", sink));
    }

    public void BreakerOpened(string sink) => _breakerOpened.Add(1, new KeyValuePair<string, object?>("sink", sink));

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveReceived()
    {
        foreach (var (kind, count) in _receivedByKind)
        {
            yield return new Measurement<long>(Interlocked.Read(ref count.Value), new KeyValuePair<string, object?>("kind", kind));
        }
    }

    private IEnumerable<Measurement<double>> ObserveLatency()
    {
        if (Latency.Count == 0)
        {
            yield break;
        }

        yield return new Measurement<double>(Latency.Percentile(0.50), new KeyValuePair<string, object?>("stat", "p50"));
        yield return new Measurement<double>(Latency.Percentile(0.99), new KeyValuePair<string, object?>("stat", "p99"));
        yield return new Measurement<double>(Latency.MaxMilliseconds, new KeyValuePair<string, object?>("stat", "max"));
    }
}
