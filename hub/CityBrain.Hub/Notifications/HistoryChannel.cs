using System.Text.Json;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Sinks;

namespace CityBrain.Hub.Notifications;

/// <summary>
/// Writes every alert event as a point of the measurement <c>alert_history</c> to every configured database, through the
/// same sinks and line-protocol writer as the readings (docs/influxdb-schema.md, "Alert history"). Rewriting a point is
/// idempotent (same series and time), so a retry after a partial success is harmless.
/// </summary>
public sealed class HistoryChannel : INotificationChannel
{
    public const string ChannelId = "history";
    public const string Measurement = "alert_history";

    private readonly IReadOnlyList<IPointSink> _sinks;

    public HistoryChannel(IReadOnlyList<SinkOptions> sinks, TimeSpan timeout)
        : this([.. sinks.Select(PointSinkFactory.Create)], timeout)
    {
    }

    /// <param name="sinks">The hub's sinks; the history goes to those that take line protocol (<see cref="IPointSink.Format"/>).</param>
    public HistoryChannel(IReadOnlyList<IPointSink> sinks, TimeSpan timeout)
    {
        _sinks = [.. sinks.Where(s => s.Format == PointFormat.LineProtocol)];
        Timeout = timeout;
    }

    public string Id => ChannelId;

    public TimeSpan Timeout { get; }

    public async Task<DeliveryOutcome> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var message = JsonSerializer.Deserialize(entry.Body, NotificationJsonContext.Default.NotificationMessage)
            ?? throw new InvalidDataException($"outbox entry {entry.Key} has an empty body");
        using var batch = new LineBatch(1024);
        Encode(message, batch);
        foreach (var sink in _sinks)
        {
            var result = await sink.WriteAsync(batch.Content(0, batch.Count), batch.Count, cancellationToken);
            if (result.Status != SinkWriteStatus.Accepted)
            {
                return new(result.Status == SinkWriteStatus.Transient ? DeliveryStatus.Transient : DeliveryStatus.Rejected, $"{sink.Name}: {result}");
            }
        }

        return DeliveryOutcome.Ok;
    }

    /// <summary>
    /// One line: tags (key order) district, event, grid, kind, level, node, rule, sensor, severity, street, by; fields
    /// <c>raised_ts</c> (with rule, node and sensor it identifies the alert), <c>escalation_level</c>, <c>value</c>,
    /// <c>threshold</c>; time = the event's time (ms).
    /// </summary>
    public static void Encode(NotificationMessage m, LineBatch batch)
    {
        var a = m.Alert;
        batch.BeginLine(Measurement, 0)
            .Tag("by", m.Event == NotificationEvents.Acknowledged ? a.AckBy ?? "" : "")
            .Tag("district", a.District)
            .Tag("event", m.Event)
            .Tag("grid", a.Grid)
            .Tag("kind", a.Kind)
            .Tag("level", m.Level)
            .Tag("node", a.Node)
            .Tag("rule", a.Rule)
            .Tag("sensor", a.Sensor ?? "")
            .Tag("severity", a.Severity)
            .Tag("street", a.Street ?? "")
            .Field("escalation_level", EscalationLevels.Parse(m.Level))
            .Field("raised_ts", a.RaisedTs);
        if (a.Value is { } v && double.IsFinite(v))
        {
            batch.Field("value", v);
        }

        if (a.Threshold is { } t && double.IsFinite(t))
        {
            batch.Field("threshold", t);
        }

        batch.EndLine(m.Ts);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync();
        }
    }
}
