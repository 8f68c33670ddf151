using CityBrain.Hub.Health;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>The <c>sparks</c> event of <c>GET /api/events</c>: node → sensor → quantity → points of the last hour.</summary>
public sealed record LiveSparklines(
    DateTimeOffset GeneratedAt,
    IReadOnlyDictionary<string, Dictionary<string, Dictionary<string, IReadOnlyList<SparkPoint>>>> Nodes)
{
    public static LiveSparklines From(IReadOnlyList<NodeView> nodes, DateTimeOffset now) => new(
        now,
        nodes.ToDictionary(
            n => n.Node,
            n => n.Sensors.ToDictionary(s => s.Id, s => s.Quantities.ToDictionary(q => q.Quantity, q => q.Spark, StringComparer.Ordinal), StringComparer.Ordinal),
            StringComparer.Ordinal));
}
