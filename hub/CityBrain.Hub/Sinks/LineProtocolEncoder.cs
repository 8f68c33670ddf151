using CityBrain.Hub.Configuration;
using CityBrain.Provisioning.Registry;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// Encodes typed points as InfluxDB line protocol (docs/influxdb-schema.md) for the sinks that take it: measurement =
/// quantity; tags in key order <c>[community,] district, grid, node, quality, sensor[, street]</c> (community and street
/// from the grid registry); fields <c>seq</c> and <c>value</c>; millisecond timestamps. The names that repeat are escaped
/// once (<see cref="EscapedNames"/>). One encoder serves every writer: a batch is encoded under its lock (as one task
/// did before, no slower), no allocation per point.
/// </summary>
public sealed class LineProtocolEncoder
{
    private readonly EscapedNames _escaped;
    private readonly Lock _gate = new();
    private readonly bool _quality;
    private readonly bool _seq;

    public LineProtocolEncoder(PointColumns columns = PointColumns.All, GridRegistry? registry = null)
    {
        _escaped = new EscapedNames(registry);
        _quality = (columns & PointColumns.Quality) != 0;
        _seq = (columns & PointColumns.Seq) != 0;
    }

    /// <summary>
    /// The lines of the points in <paramref name="domains"/> (all when null), in a buffer from the batch's pool (the
    /// caller disposes it); each line's origin is its point's index. A point that cannot be encoded (cannot happen for
    /// input that passed the contract's id patterns) is left out and reported in <paramref name="unencodable"/>.
    /// </summary>
    public LineBatch Encode(PointBatch points, DomainFilter? domains, List<RejectedLine>? unencodable = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var lines = new LineBatch(pool: points.LinePool);
        lock (_gate)
        {
            var span = points.Points;
            for (int i = 0; i < span.Length; i++)
            {
                ref readonly var p = ref span[i];
                if (domains is not null && !domains.Includes(p.Quantity))
                {
                    continue;
                }

                try
                {
                    var line = lines.BeginLine(_escaped.Measurement(p.Quantity), i).Raw(_escaped.Location(p.TopicName, p.Topic));
                    if (_quality)
                    {
                        line.Raw(EscapedNames.QualityTag(p.Quality));
                    }

                    line.Tag(",sensor="u8, p.Sensor); // escaped as written: a table of 50k sensors cost more memory than it saved
                    line.Raw(_escaped.Street(p.TopicName, p.Topic));
                    if (_seq)
                    {
                        line.Field("seq"u8, p.Seq);
                    }

                    line.Field("value"u8, p.Value).EndLine(p.TimestampMs);
                }
                catch (LineProtocolException ex)
                {
                    lines.AbandonLine();
                    unencodable?.Add(new RejectedLine(i, $"not writable as line protocol: {ex.Message}", Unencodable: true));
                }
            }
        }

        return lines;
    }
}
