using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// The line-protocol bytes of the names that repeat in every message (measurement = quantity, the location tags of
/// a node topic, the quality tag), escaped once and reused for every line. The contract's readers share one string per
/// distinct quantity, so those are looked up by reference. Sensor ids are not kept here: there are as many as sensors
/// (50k entries, ~3.5 MB, in the hub benchmark), and escaping one as it is written (<see cref="LineBatch.Tag(ReadOnlySpan{byte}, string)"/>)
/// costs no more than looking it up. Bounded: a table that outgrows
/// <see cref="MaxEntries"/> is emptied and refilled. Used by the single batcher task only (not thread-safe).
/// </summary>
public sealed class EscapedNames
{
    public const int MaxEntries = 65_536;

    private readonly Dictionary<string, byte[]> _measurements = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, byte[]> _locations = new(StringComparer.Ordinal);

    /// <summary>The escaped measurement name.</summary>
    public byte[] Measurement(string quantity) => Get(_measurements, quantity, static q => LineBatch.EscapeMeasurement(q));

    /// <summary><c>,quality=good</c>, <c>,quality=uncertain</c> or <c>,quality=bad</c>.</summary>
    public static ReadOnlySpan<byte> QualityTag(Quality quality) => quality switch
    {
        Quality.Good => ",quality=good"u8,
        Quality.Uncertain => ",quality=uncertain"u8,
        Quality.Bad => ",quality=bad"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(quality), quality, "Unknown quality."),
    };

    /// <summary><c>,district=...,grid=...,node=...</c> (tags in key order) of one topic.</summary>
    public byte[] Location(string topicName, NodeTopic topic)
    {
        if (_locations.TryGetValue(topicName, out byte[]? bytes))
        {
            return bytes;
        }

        bytes = [.. LineBatch.EscapeTag("district", topic.District), .. LineBatch.EscapeTag("grid", topic.Grid), .. LineBatch.EscapeTag("node", topic.Node)];
        Add(_locations, topicName, bytes);
        return bytes;
    }

    private static byte[] Get(Dictionary<string, byte[]> table, string key, Func<string, byte[]> escape)
    {
        if (table.TryGetValue(key, out byte[]? bytes))
        {
            return bytes;
        }

        bytes = escape(key);
        Add(table, key, bytes);
        return bytes;
    }

    private static void Add(Dictionary<string, byte[]> table, string key, byte[] bytes)
    {
        if (table.Count >= MaxEntries)
        {
            table.Clear();
        }

        table[key] = bytes;
    }
}
