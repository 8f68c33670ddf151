namespace CityBrain.Edge.Buffering;

/// <summary>Settings of a <see cref="MemoryReadingBuffer"/>.</summary>
public sealed record MemoryBufferOptions
{
    /// <summary>Most readings held; over it the oldest are dropped and counted as overflow. Default 100,000 (~6 MiB).</summary>
    public int MaxReadings { get; init; } = 100_000;

    /// <summary>Readings appended longer ago than this are dropped and counted as expired. Default 7 days.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>A reading is live while younger than this (from append time), backlog after. Default 10 s.</summary>
    public TimeSpan LiveWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// While the wall clock reads before this (a node without a real-time clock before NTP), nothing is handed out for
    /// publishing and nothing expires. Default: no hold. The edge sets its build date (see <c>ClockPlausibility</c>).
    /// </summary>
    public DateTimeOffset EarliestPlausibleTime { get; init; } = DateTimeOffset.MinValue;

    /// <summary>First sequence number to assign: the edge persists the next one across restarts in memory mode.</summary>
    public long FirstSeq { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad field, its value and the fix.</summary>
    public void Validate()
    {
        const string owner = nameof(MemoryBufferOptions);
        OptionChecks.InRange(MaxReadings, 1, int.MaxValue, owner, nameof(MaxReadings), "set a positive reading count such as 100000");
        OptionChecks.Positive(MaxAge, owner, nameof(MaxAge), "use e.g. 7.00:00:00");
        OptionChecks.Positive(LiveWindow, owner, nameof(LiveWindow), "use e.g. 00:00:10");
        OptionChecks.InRange(FirstSeq, 0, long.MaxValue / 2, owner, nameof(FirstSeq), "pass the persisted next sequence number, or 0");
    }
}
