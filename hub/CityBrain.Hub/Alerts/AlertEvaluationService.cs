using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Alerts;

/// <summary>Runs <see cref="AlertEngine.Evaluate"/> every <see cref="AlertOptions.TickInterval"/> on the <see cref="TimeProvider"/>'s clock.</summary>
public sealed partial class AlertEvaluationService(
    AlertEngine engine,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertEvaluationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TickInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    engine.Evaluate();
                }
                catch (Exception ex) when (!FatalErrors.IsFatal(ex))
                {
                    LogTickFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert evaluation tick failed")]
    private partial void LogTickFailed(Exception ex);
}
