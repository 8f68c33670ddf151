namespace CityBrain.Hub.Alerts;

/// <summary>The kinds of alert rules.</summary>
public static class AlertKinds
{
    /// <summary>A quantity above (or below) a level, with a clear level (hysteresis) and a minimum duration.</summary>
    public const string Threshold = "threshold";

    /// <summary>A sensor silent longer than its expected interval allows.</summary>
    public const string Stale = "stale";

    /// <summary>A node offline (status or Will) or silent for longer than <c>After</c>.</summary>
    public const string Offline = "offline";

    /// <summary>A data gap: telemetry sequence numbers skipped, or no telemetry for longer than <c>After</c>.</summary>
    public const string Gap = "gap";

    public static readonly IReadOnlyList<string> All = [Threshold, Stale, Offline, Gap];
}
