using System.Globalization;
using System.Reflection;

namespace CityBrain.Edge.Hosting;

/// <summary>
/// When the node's wall clock can be trusted: not before the day before this software was built (the build date is
/// stamped into the assembly, <c>CityBrainBuildDate</c>). A Raspberry Pi without a real-time clock boots at its last
/// saved time or at 1970 until NTP steps it; readings are then held (not published, not expired) by the buffer.
/// Chosen over the kernel's synchronisation state (adjtimex <c>STA_UNSYNC</c>) because that flag stays set on nodes that
/// keep time by other means (an RTC, chrony in local mode, containers), which would hold their readings for ever.
/// </summary>
public static class ClockPlausibility
{
    /// <summary>The earliest plausible wall-clock time: the build date minus one day (build machines' clocks differ).</summary>
    public static DateTimeOffset EarliestPlausibleTime { get; } = FromBuildDate(
        typeof(ClockPlausibility).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "CityBrainBuildDate")?.Value);

    /// <summary>The day before <paramref name="buildDate"/> (yyyy-MM-dd); no hold when it is missing or unreadable.</summary>
    public static DateTimeOffset FromBuildDate(string? buildDate) =>
        DateTimeOffset.TryParseExact(buildDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date.AddDays(-1)
            : DateTimeOffset.MinValue;
}
