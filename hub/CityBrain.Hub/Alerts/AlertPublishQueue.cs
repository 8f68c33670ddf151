using System.Threading.Channels;
using CityBrain.Hub.Health;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// The bounded hand-off between the alert engine (which must never block the ingest) and the publishing service.
/// When full the oldest message is dropped and counted.
/// </summary>
public sealed class AlertPublishQueue
{
    private readonly Channel<Alert> _channel;

    public AlertPublishQueue(IOptions<AlertOptions> options, HealthMetrics metrics)
    {
        _channel = Channel.CreateBounded<Alert>(
            new BoundedChannelOptions(options.Value.PublishQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            _ => metrics.AlertDropped());
    }

    public ChannelReader<Alert> Reader => _channel.Reader;

    public int Count => _channel.Reader.Count;

    public void Enqueue(Alert alert) => _channel.Writer.TryWrite(alert);
}
