using CityBrain.Hub.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// Drains <see cref="AlertPublishQueue"/> into <see cref="IAlertPublisher"/>, in order, each attempt with a timeout,
/// retrying with a bounded backoff; a message that fails every attempt is dropped, logged and counted.
/// </summary>
public sealed partial class AlertPublishingService(
    AlertPublishQueue queue,
    IAlertPublisher publisher,
    IOptions<AlertOptions> options,
    HealthMetrics metrics,
    TimeProvider time,
    ILogger<AlertPublishingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await PublishWithRetriesAsync(alert, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishWithRetriesAsync(Alert alert, CancellationToken stoppingToken)
    {
        var o = options.Value;
        var delay = TimeSpan.FromSeconds(1);
        for (int attempt = 1; attempt <= o.PublishAttempts; attempt++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            cts.CancelAfter(o.PublishTimeout);
            try
            {
                await publisher.PublishAsync(alert, cts.Token);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && !FatalErrors.IsFatal(ex))
            {
                LogAttemptFailed(ex, alert.Id, alert.State, attempt, o.PublishAttempts);
            }

            if (attempt < o.PublishAttempts)
            {
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }

        metrics.AlertPublishFailed();
        LogDropped(alert.Id, alert.State, o.PublishAttempts);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing alert {Id} ({State}) failed, attempt {Attempt} of {Attempts}")]
    private partial void LogAttemptFailed(Exception ex, string id, string state, int attempt, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {Id} ({State}) was not published after {Attempts} attempts; dropped")]
    private partial void LogDropped(string id, string state, int attempts);
}
