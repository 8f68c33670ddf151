using System.Diagnostics.Metrics;

namespace CityBrain.Edge;

/// <summary>
/// The edge's counters (Meter <c>CityBrain.Edge</c>), tagged by sensor: sampled, filtered out, buffered, published,
/// faults (also by code), overruns; and publish latency. Drops happen in the buffer and are counted there by reason
/// (Meter <c>CityBrain.Edge.Buffer</c>, and <c>buffer.dropped</c> in the health message).
/// </summary>
public sealed class EdgeMetrics : IDisposable
{
    public const string MeterName = "CityBrain.Edge";

    private readonly Meter _meter;

    public EdgeMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Sampled = _meter.CreateCounter<long>("citybrain.edge.readings.sampled", "{reading}", "Readings produced by drivers");
        FilteredOut = _meter.CreateCounter<long>("citybrain.edge.readings.filtered", "{reading}", "Readings removed by processors (deadband, spike, window)");
        Faults = _meter.CreateCounter<long>("citybrain.edge.faults", "{fault}", "Failed reads, by sensor and reason code");
        Overruns = _meter.CreateCounter<long>("citybrain.edge.poll.overruns", "{tick}", "Poll ticks missed because a poll ran long, or shed under load");
        Shed = _meter.CreateCounter<long>("citybrain.edge.poll.shed", "{tick}", "Poll ticks skipped because readings waited longer than publish.shedAfterMs to be delivered (also counted as overruns)");
        EventsDropped = _meter.CreateCounter<long>("citybrain.edge.events.dropped", "{reading}", "Event readings (a lid opened) lost because more than 4096 waited for the buffer");
        Buffered = _meter.CreateCounter<long>("citybrain.edge.readings.buffered", "{reading}", "Readings handed to the buffer after processing, by sensor");
        Published = _meter.CreateCounter<long>("citybrain.edge.readings.published", "{reading}", "Readings acknowledged by the broker (PUBACK), by sensor");
        PublishFailures = _meter.CreateCounter<long>("citybrain.edge.publish.failures", "{message}", "Telemetry messages not acknowledged (kept in the buffer)");
        PublishNoSubscribers = _meter.CreateCounter<long>("citybrain.edge.publish.no_subscribers", "{message}", "Telemetry messages the broker answered 'no matching subscribers' (PUBACK 0x10): readings kept and retried");
        PublishResent = _meter.CreateCounter<long>("citybrain.edge.publish.resent", "{reading}", "Readings sent again because the hub acknowledged later ones but not these (deliveryAck hub): the broker lost them");
        HubAcknowledged = _meter.CreateCounter<long>("citybrain.edge.publish.hub_acknowledged", "{reading}", "Readings the hub acknowledged as stored end to end (deliveryAck hub); they left the buffer");
        OnCallRequests = _meter.CreateCounter<long>("citybrain.edge.oncall.requests", "{request}", "On-call requests on the cmd topic, by outcome (ok, fault, or the error code)");
        ConfigOutcomes = _meter.CreateCounter<long>("citybrain.edge.config.outcomes", "{configuration}", "Configurations pushed or edited, by outcome (applied, rejected, rolled_back)");
        PublishLatency = _meter.CreateHistogram<double>("citybrain.edge.publish.latency", "ms", "Source timestamp to PUBACK of the newest reading in a message");
    }

    public Counter<long> Sampled { get; }

    public Counter<long> ConfigOutcomes { get; }

    public Counter<long> OnCallRequests { get; }

    public Counter<long> FilteredOut { get; }

    public Counter<long> Faults { get; }

    public Counter<long> Overruns { get; }

    public Counter<long> Shed { get; }

    public Counter<long> EventsDropped { get; }

    public Counter<long> Buffered { get; }

    public Counter<long> Published { get; }

    public Counter<long> PublishFailures { get; }

    public Counter<long> PublishNoSubscribers { get; }

    public Counter<long> PublishResent { get; }

    public Counter<long> HubAcknowledged { get; }

    public Histogram<double> PublishLatency { get; }

    public Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();
}
