using System.Diagnostics.Metrics;
using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// The buffer's instruments on the <c>CityBrain.Edge.Buffer</c> meter: counters are cheap no-ops without a listener,
/// so they sit on the hot path; the depth gauge is observed from <see cref="IReadingBuffer.GetStats"/> on collection.
/// </summary>
internal sealed class BufferMetrics : IDisposable
{
    public const string MeterName = "CityBrain.Edge.Buffer";

    private static readonly KeyValuePair<string, object?> OverflowTag = new("reason", "overflow");
    private static readonly KeyValuePair<string, object?> ExpiredTag = new("reason", "expired");
    private static readonly KeyValuePair<string, object?> CorruptTag = new("reason", "corrupt");
    private static readonly KeyValuePair<string, object?> DiskFullTag = new("reason", "disk_full");

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _appended;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _bytesWritten;
    private readonly KeyValuePair<string, object?> _kindTag;

    public BufferMetrics(string kind, IMeterFactory? meterFactory, Func<BufferStats> stats)
    {
        // A factory's meters are shared and owned by the factory; only a meter made here is disposed here.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _kindTag = new KeyValuePair<string, object?>("buffer", kind);
        _appended = _meter.CreateCounter<long>("citybrain.edge.buffer.appended", "{reading}", "Readings appended.");
        _dropped = _meter.CreateCounter<long>("citybrain.edge.buffer.dropped", "{reading}", "Readings dropped unacknowledged.");
        _bytesWritten = _meter.CreateCounter<long>("citybrain.edge.buffer.bytes_written", "By", "Bytes written to storage.");
        _meter.CreateObservableGauge(
            "citybrain.edge.buffer.depth",
            () => new Measurement<long>(stats().Readings, _kindTag),
            "{reading}",
            "Readings stored and not yet acknowledged.");
    }

    public void Appended(long readings) => _appended.Add(readings, _kindTag);

    public void BytesWritten(long bytes) => _bytesWritten.Add(bytes, _kindTag);

    public void Dropped(long readings, DropReason reason)
    {
        if (readings <= 0)
        {
            return;
        }

        KeyValuePair<string, object?> reasonTag = reason switch
        {
            DropReason.Overflow => OverflowTag,
            DropReason.Expired => ExpiredTag,
            DropReason.DiskFull => DiskFullTag,
            _ => CorruptTag,
        };
        _dropped.Add(readings, _kindTag, reasonTag);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
