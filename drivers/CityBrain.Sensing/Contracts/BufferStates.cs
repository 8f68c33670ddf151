namespace CityBrain.Sensing;

/// <summary>The <c>state</c> of a node's buffer (health message <c>buffer.state</c>).</summary>
public static class BufferStates
{
    /// <summary>Storing and publishing normally.</summary>
    public const string Ok = "ok";

    /// <summary>
    /// Storage refuses writes (disk full, read-only filesystem): new readings are kept in a bounded memory overflow and
    /// still published; beyond it they are dropped and counted as <c>disk_full</c>. Ends by itself when a write succeeds.
    /// </summary>
    public const string Degraded = "degraded";

    /// <summary>The wall clock is not plausibly set (before the software's build date): nothing is published or expired.</summary>
    public const string ClockHeld = "clock_held";
}
