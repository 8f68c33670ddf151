using System.Globalization;
using System.Text.RegularExpressions;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// What an InfluxDB 1.x 400 answer says about a write: <c>{"error":"partial write: &lt;reason&gt; dropped=N"}</c> (the
/// other points of the request were stored), for a field type conflict, points beyond the retention policy, lines that
/// do not parse, or another refusal. It says how many points were dropped, never which: the writer uses the count to
/// dead-letter a whole request at once and bisects otherwise.
/// </summary>
public static partial class InfluxPartialWrite
{
    public const string FieldTypeConflict = "field_type_conflict";
    public const string BeyondRetention = "beyond_retention";
    public const string Unparseable = "unparseable";
    public const string Refused = "refused";

    /// <summary>Reads the server's answer: the kind of refusal and the dropped count, if it gives one.</summary>
    public static (string Kind, int? Dropped) Parse(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return (Refused, null);
        }

        string kind = message.Contains("field type conflict", StringComparison.Ordinal) ? FieldTypeConflict
            : message.Contains("beyond retention policy", StringComparison.Ordinal) ? BeyondRetention
            : message.Contains("unable to parse", StringComparison.Ordinal) ? Unparseable
            : Refused;
        var match = DroppedCount().Match(message);
        return (kind, match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null);
    }

    [GeneratedRegex(@"dropped=(\d{1,9})\b")]
    private static partial Regex DroppedCount();
}
