using CityBrain.Provisioning.Registry;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// The line-protocol bytes of the names that repeat in every message (measurement = quantity, the location tags of
/// a node topic with its grid's community and street from the grid registry, the quality tag), escaped once and
/// reused for every line. The contract's readers share one string per
/// distinct quantity, so those are looked up by reference. Sensor ids are not kept here: there are as many as sensors
/// (50k entries, ~3.5 MB, in the hub benchmark), and escaping one as it is written (<see cref="LineBatch.Tag(ReadOnlySpan{byte}, string)"/>)
/// costs no more than looking it up. Bounded: a table that outgrows
/// <see cref="MaxEntries"/> is emptied and refilled. Used by <see cref="LineProtocolEncoder"/> under its lock only (not thread-safe).
/// </summary>
public sealed class EscapedNames
{
    public const int MaxEntries = 65_536;

    private readonly Dictionary<string, byte[]> _measurements = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, (byte[] Location, byte[] Street)> _locations = new(StringComparer.Ordinal);
    private readonly GridRegistry? _registry;

    /// <param name="registry">Where the <c>community</c> and <c>street</c> tags come from; null = no such tags.</param>
    public EscapedNames(GridRegistry? registry = null) => _registry = registry;

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

    /// <summary>
    /// <c>[,community=...],district=...,grid=...,node=...</c> of one topic (tags in key order; the community when the
    /// grid registry knows the grid).
    /// </summary>
    public byte[] Location(string topicName, NodeTopic topic) => Tags(topicName, topic).Location;

    /// <summary><c>,street=...</c> of the topic's grid (it sorts after <c>sensor</c>), or nothing when the registry does not know the grid.</summary>
    public byte[] Street(string topicName, NodeTopic topic) => Tags(topicName, topic).Street;

    private (byte[] Location, byte[] Street) Tags(string topicName, NodeTopic topic)
    {
        if (_locations.TryGetValue(topicName, out var tags))
        {
            return tags;
        }

        byte[] location = [.. LineBatch.EscapeTag("district", topic.District), .. LineBatch.EscapeTag("grid", topic.Grid), .. LineBatch.EscapeTag("node", topic.Node)];
        tags = _registry is not null && _registry.TryGetGrid(topic.Grid, out var place)
            ? ([.. LineBatch.EscapeTag("community", place.Community), .. location], LineBatch.EscapeTag("street", place.Street))
            : (location, []);
        Add(_locations, topicName, tags);
        return tags;
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

    private static void Add<T>(Dictionary<string, T> table, string key, T bytes)
    {
        if (table.Count >= MaxEntries)
        {
            table.Clear();
        }

        table[key] = bytes;
    }
}
