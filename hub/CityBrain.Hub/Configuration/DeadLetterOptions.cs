namespace CityBrain.Hub.Configuration;

/// <summary>
/// Where the hub keeps the input it rejected (<c>Hub:DeadLetters</c>): JSON Lines segments in one directory, fsync'd
/// before the rejected message is acknowledged, the oldest segment deleted (and its letters counted) when the
/// directory would exceed <see cref="MaxBytes"/>. Format: docs/mqtt-contract.md, "Dead letters on disk".
/// </summary>
public sealed class DeadLetterOptions
{
    /// <summary>The directory (created if missing); relative paths are under the working directory (the service's /var/lib/citybrain-hub).</summary>
    public string Directory { get; set; } = "deadletters";

    /// <summary>Most bytes all segments may hold together; the oldest segment goes first.</summary>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Size at which a segment is closed and a new one started (at most half of <see cref="MaxBytes"/>).</summary>
    public long SegmentBytes { get; set; } = 16L * 1024 * 1024;
}
