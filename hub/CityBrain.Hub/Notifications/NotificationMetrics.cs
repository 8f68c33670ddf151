using System.Diagnostics.Metrics;

namespace CityBrain.Hub.Notifications;

/// <summary>The meter <c>CityBrain.Hub.Notifications</c>: notifications queued, delivered, retried, refused and dropped, and the outbox depth.</summary>
public sealed class NotificationMetrics : IDisposable
{
    public const string MeterName = "CityBrain.Hub.Notifications";

    private readonly Meter _meter;
    private readonly Counter<long> _queued;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _dropped;
    private Func<int>? _pending;

    public NotificationMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _queued = _meter.CreateCounter<long>("citybrain.hub.notifications.queued", "{notification}", "Notifications written to the outbox, by channel.");
        _delivered = _meter.CreateCounter<long>("citybrain.hub.notifications.delivered", "{notification}", "Notifications the receiver accepted, by channel.");
        _retries = _meter.CreateCounter<long>("citybrain.hub.notifications.retries", "{attempt}", "Failed delivery attempts that will be retried, by channel.");
        _rejected = _meter.CreateCounter<long>("citybrain.hub.notifications.rejected", "{notification}", "Notifications the receiver refused for good (HTTP 4xx other than 408/429), by channel.");
        _dropped = _meter.CreateCounter<long>("citybrain.hub.notifications.dropped", "{notification}", "Notifications not written because the outbox was full (Hub:Notifications:OutboxCapacity).");
        _meter.CreateObservableGauge("citybrain.hub.notifications.pending", () => _pending?.Invoke() ?? 0, "{notification}", "Notifications in the outbox waiting for delivery.");
    }

    public Meter Meter => _meter;

    internal void AttachPending(Func<int> pending) => _pending = pending;

    public void Queued(string channel) => _queued.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void Delivered(string channel) => _delivered.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void Retried(string channel) => _retries.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void Rejected(string channel) => _rejected.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void Dropped(string channel) => _dropped.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void Dispose() => _meter.Dispose();
}
