namespace CityBrain.Hub.Alerts;

/// <summary>Alert engine options (section <c>Hub:Alerts</c>); see docs/alerts.md.</summary>
public sealed class AlertOptions
{
    public const string Section = "Hub:Alerts";

    /// <summary>IANA time zone of the rules' time-of-day windows (e.g. <c>Europe/Berlin</c>).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>How often stale, offline, gap, duration and window conditions are evaluated.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Cleared alerts kept for the view and the API (oldest dropped first).</summary>
    public int HistoryLimit { get; set; } = 500;

    /// <summary>Most alerts active at once; beyond it new alerts are not raised (and a warning is logged).</summary>
    public int MaxActive { get; set; } = 10_000;

    /// <summary>Most tracked (rule, node, sensor) conditions; bounds memory under a flood of new sensors.</summary>
    public int MaxConditions { get; set; } = 200_000;

    /// <summary>Readings older than this (replayed backlog) do not drive threshold rules.</summary>
    public TimeSpan MaxReadingAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Alert messages waiting to be published; when full the oldest is dropped and counted.</summary>
    public int PublishQueueCapacity { get; set; } = 10_000;

    /// <summary>Attempts to publish one alert message before it is dropped and counted.</summary>
    public int PublishAttempts { get; set; } = 5;

    /// <summary>Timeout of one publish attempt.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public List<AlertRuleOptions> Rules { get; } = [];
}
