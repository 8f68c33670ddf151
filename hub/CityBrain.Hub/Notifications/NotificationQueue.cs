using System.Threading.Channels;
using CityBrain.Hub.Alerts;

namespace CityBrain.Hub.Notifications;

/// <summary>
/// The bounded hand-off from the alert engine (which must never block) to <see cref="NotificationService"/>, which
/// writes the notifications to the durable outbox. When full the oldest change is dropped and counted; an active
/// alert's raise is still recovered at the next start (<see cref="NotificationService"/> reconciles the active alerts).
/// </summary>
public sealed class NotificationQueue : IAlertListener
{
    private readonly Channel<Alert> _channel;

    public NotificationQueue(int capacity, NotificationMetrics metrics)
    {
        _channel = Channel.CreateBounded<Alert>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => metrics.Dropped("queue"));
    }

    public ChannelReader<Alert> Reader => _channel.Reader;

    public void OnAlertChanged(Alert alert) => _channel.Writer.TryWrite(alert);
}
