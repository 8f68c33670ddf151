namespace CityBrain.Hub.Alerts;

/// <summary>Alert severities, lowest first.</summary>
public static class AlertSeverities
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Critical = "critical";

    public static readonly IReadOnlyList<string> All = [Info, Warning, Critical];

    /// <summary>0 for info, 1 warning, 2 critical (-1 unknown), for sorting.</summary>
    public static int Rank(string severity) => severity switch
    {
        Info => 0,
        Warning => 1,
        Critical => 2,
        _ => -1,
    };
}
