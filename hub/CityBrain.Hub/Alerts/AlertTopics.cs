using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// Where an alert is published: below the node's alerts topic <see cref="Topics.AlertsFor"/>, one level for the rule
/// and one for the sensor when the alert is about a sensor, so that every active alert has a retained message of its
/// own: <c>citybrain/v1/_alerts/{district}/{grid}/{node}/{rule}[/{sensor}]</c>. Subscribe to
/// <c>citybrain/v1/_alerts/#</c> (or narrow by district, grid or node).
/// </summary>
public static class AlertTopics
{
    public const string All = Topics.AlertsPrefix + "#";

    public static string For(Alert alert) =>
        alert.Sensor is null
            ? $"{Topics.AlertsFor(alert.District, alert.Grid, alert.Node)}/{alert.Rule}"
            : $"{Topics.AlertsFor(alert.District, alert.Grid, alert.Node)}/{alert.Rule}/{alert.Sensor}";
}
