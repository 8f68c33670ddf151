using System.Diagnostics.Metrics;
using CityBrain.Edge.Buffering;
using CityBrain.Sensing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Buffering;

public sealed class BufferMetricsTests
{
    [Fact]
    public async Task Meter_ReportsAppendedDroppedByReason_AndDepth()
    {
        var measurements = new List<(string Name, long Value, string? Reason, string? Kind)>();
        var time = new FakeTimeProvider(TestReadings.Start);
        using var meters = new ScopedMeterFactory();
        await using var buffer = new MemoryReadingBuffer(new MemoryBufferOptions { MaxReadings = 10, MaxAge = TimeSpan.FromHours(1) }, time, meters);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // Only this test's buffer: other tests create buffers (and meters of the same name) in parallel.
                if (instrument.Meter.Name == "CityBrain.Edge.Buffer" && instrument.Meter.Scope == meters)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            string? kind = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                reason = tag.Key == "reason" ? (string?)tag.Value : reason;
                kind = tag.Key == "buffer" ? (string?)tag.Value : kind;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, reason, kind));
            }
        });
        listener.Start();

        await buffer.AppendAsync(TestReadings.Range(0, 12), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(2));
        await buffer.AppendAsync(TestReadings.Range(12, 3), CancellationToken.None);
        listener.RecordObservableInstruments();

        long Sum(string name, string? reason = null) =>
            measurements.Where(m => m.Name == name && m.Reason == reason && m.Kind == "memory").Sum(m => m.Value);
        Assert.Equal(15, Sum("citybrain.edge.buffer.appended"));
        Assert.Equal(2, Sum("citybrain.edge.buffer.dropped", "overflow"));
        Assert.Equal(10, Sum("citybrain.edge.buffer.dropped", "expired"));
        Assert.Equal(3, measurements.Last(m => m.Name == "citybrain.edge.buffer.depth" && m.Kind == "memory").Value);
        Assert.Equal(new BufferStats { Readings = 3, Bytes = buffer.GetStats().Bytes, Oldest = time.GetUtcNow(), NextSeq = 15, DroppedOverflow = 2, DroppedExpired = 10, Appended = 15 }, buffer.GetStats());
    }

    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = this });
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (Meter meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
