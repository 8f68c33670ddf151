namespace CityBrain.Edge.Buffering;

/// <summary>Settings of a <see cref="DiskReadingBuffer"/>. Validate with <see cref="Validate"/>.</summary>
public sealed record DiskBufferOptions
{
    /// <summary>The buffer's own directory (created if missing); nothing else may write there.</summary>
    public string Directory { get; init; } = "";

    /// <summary>Cap on the segment files' total size; over it the oldest segment is dropped and counted. Default 256 MiB.</summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Readings appended longer ago than this are dropped and counted as expired. Default 7 days.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Size at which a new segment file is started; at most a quarter of <see cref="MaxBytes"/>. Default 8 MiB.</summary>
    public int SegmentBytes { get; init; } = 8 * 1024 * 1024;

    public FsyncPolicy FsyncPolicy { get; init; } = FsyncPolicy.GroupCommit;

    /// <summary>With <see cref="FsyncPolicy.GroupCommit"/>: how long the first pending append waits for company. Default 50 ms; zero = no wait.</summary>
    public TimeSpan GroupCommitWindow { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>With <see cref="FsyncPolicy.GroupCommit"/>: pending bytes that end the window early. Default 256 KiB.</summary>
    public int GroupCommitBytes { get; init; } = 256 * 1024;

    /// <summary>With <see cref="FsyncPolicy.Interval"/>: the longest unsynced data may wait. Default 1 s.</summary>
    public TimeSpan FsyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A reading is live while younger than this (from append time), backlog after. Default 10 s.</summary>
    public TimeSpan LiveWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// While storage refuses writes (disk full, read-only filesystem) appended readings are kept in memory, up to this
    /// many (56 bytes each), and still published; beyond it new readings are dropped and counted as <c>disk_full</c>.
    /// Default 131,072 (about 7 MiB). Zero: drop and count at once.
    /// </summary>
    public int MaxHeldReadings { get; init; } = 128 * 1024;

    /// <summary>
    /// While the wall clock reads before this (a node without a real-time clock before NTP), nothing is handed out for
    /// publishing and nothing expires. Default: no hold. The edge sets its build date (see <c>ClockPlausibility</c>).
    /// </summary>
    public DateTimeOffset EarliestPlausibleTime { get; init; } = DateTimeOffset.MinValue;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field, its value and the fix.</summary>
    public void Validate()
    {
        const string owner = nameof(DiskBufferOptions);
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException(
                $"{owner}.{nameof(Directory)} is '{Directory}'; set it to a directory on local disk, e.g. /var/lib/citybrain/buffer.",
                nameof(Directory));
        }

        // The small minimums exist for tests; real nodes use MiB.
        OptionChecks.InRange(MaxBytes, 8 * 1024, long.MaxValue / 4, owner, nameof(MaxBytes), "use at least 8 KiB, e.g. 268435456 (256 MiB)");
        OptionChecks.InRange(
            SegmentBytes, 1024, Math.Max(1024, MaxBytes / 4), owner, nameof(SegmentBytes), "use 1 KiB to MaxBytes/4, e.g. 8388608 (8 MiB)");
        OptionChecks.Positive(MaxAge, owner, nameof(MaxAge), "use e.g. 7.00:00:00");
        OptionChecks.Positive(LiveWindow, owner, nameof(LiveWindow), "use e.g. 00:00:10");
        OptionChecks.InRange(
            (long)GroupCommitWindow.TotalMilliseconds, 0, 10_000, owner, nameof(GroupCommitWindow), "use 0 to 10 s in milliseconds, e.g. 00:00:00.050");
        OptionChecks.InRange(GroupCommitBytes, 4096, 64 * 1024 * 1024, owner, nameof(GroupCommitBytes), "use 4 KiB to 64 MiB, e.g. 1048576");
        OptionChecks.InRange(MaxHeldReadings, 0, 16 * 1024 * 1024, owner, nameof(MaxHeldReadings), "use 0 to 16777216 readings, e.g. 131072");
        OptionChecks.Positive(FsyncInterval, owner, nameof(FsyncInterval), "use e.g. 00:00:01");
        if (!Enum.IsDefined(FsyncPolicy))
        {
            throw new ArgumentOutOfRangeException(
                nameof(FsyncPolicy), FsyncPolicy, $"{owner}.{nameof(FsyncPolicy)} is {FsyncPolicy}; use GroupCommit, Always, Interval or None.");
        }
    }
}
