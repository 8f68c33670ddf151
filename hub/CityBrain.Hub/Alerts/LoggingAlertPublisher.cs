using Microsoft.Extensions.Logging;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// The publisher used until an MQTT one is wired (<see cref="Health.HealthServiceCollectionExtensions.AddMqttAlertPublisher"/>):
/// it only writes each alert change to the log, so alerts still show in the view and the logs.
/// </summary>
public sealed partial class LoggingAlertPublisher(ILogger<LoggingAlertPublisher> logger) : IAlertPublisher
{
    public Task PublishAsync(Alert alert, CancellationToken cancellationToken)
    {
        LogAlert(alert.State, alert.Rule, alert.Severity, alert.Node, alert.Sensor, alert.Message, AlertTopics.For(alert));
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {State}: rule {Rule} ({Severity}) on node {Node} sensor {Sensor}: {Text} (not published over MQTT: no publisher wired; topic would be {Topic})")]
    private partial void LogAlert(string state, string rule, string severity, string node, string? sensor, string text, string topic);
}
