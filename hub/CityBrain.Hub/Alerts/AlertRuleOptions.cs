namespace CityBrain.Hub.Alerts;

/// <summary>One alert rule as configured (an item of <c>Hub:Alerts:Rules</c>); see docs/alerts.md.</summary>
public sealed class AlertRuleOptions
{
    /// <summary>Unique rule id (lower-case letters, digits, '-' and '_'): it becomes an MQTT topic level.</summary>
    public string? Id { get; set; }

    /// <summary><c>threshold</c>, <c>stale</c>, <c>offline</c> or <c>gap</c>.</summary>
    public string? Kind { get; set; }

    /// <summary><c>info</c>, <c>warning</c> or <c>critical</c>.</summary>
    public string Severity { get; set; } = AlertSeverities.Warning;

    /// <summary>Text shown to operators and carried in the alert.</summary>
    public string? Description { get; set; }

    /// <summary>Threshold rules: the quantity watched (e.g. <c>fill_level</c>).</summary>
    public string? Quantity { get; set; }

    /// <summary>Optional selectors: the rule applies only where each given one matches.</summary>
    public string? District { get; set; }

    public string? Grid { get; set; }

    public string? Node { get; set; }

    public string? Sensor { get; set; }

    /// <summary>Threshold rules: raise when the value goes above this level (give <c>Above</c> or <c>Below</c>).</summary>
    public double? Above { get; set; }

    /// <summary>Threshold rules: raise when the value goes below this level.</summary>
    public double? Below { get; set; }

    /// <summary>Threshold rules: the level the value must cross back to clear (hysteresis). Default: the raise level.</summary>
    public double? Clear { get; set; }

    /// <summary>How long the condition must hold before the alert is raised (minimum duration). Default 0.</summary>
    public TimeSpan For { get; set; }

    /// <summary>Offline and gap rules: how long offline or without telemetry before the condition holds.</summary>
    public TimeSpan? After { get; set; }

    /// <summary>Gap rules: how long a sequence gap keeps the alert up after it was seen (default 10 minutes).</summary>
    public TimeSpan? Hold { get; set; }

    /// <summary>Optional local time-of-day window <c>HH:mm-HH:mm</c> (may wrap midnight, e.g. <c>22:00-06:00</c>); outside it the rule neither raises nor keeps alerts.</summary>
    public string? Window { get; set; }
}
