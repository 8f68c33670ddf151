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

    /// <summary>
    /// A node's buffer dropping or about to: readings dropped (a dropped counter grew within <c>Hold</c>), storage
    /// degraded or the clock not set, telemetry held for want of a subscriber, or the oldest buffered reading older than
    /// <c>After</c> (when set: the backlog nears the node's retention).
    /// </summary>
    public const string Buffer = "buffer";

    /// <summary>The hub's own database down: a sink has failed every write for longer than <c>After</c>.</summary>
    public const string Database = "database";

    public static readonly IReadOnlyList<string> All = [Threshold, Stale, Offline, Gap, Buffer, Database];
}
