using CityBrain.Hub.Health;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// The <c>sparks</c> event of <c>GET /api/events</c> (and <c>GET /api/sparks</c>): node → sensor → quantity → points
/// of the last hour, for the nodes whose detail the client's scope includes. Written node by node by
/// <see cref="LiveViewWriter"/>; this record is its shape (for readers and tests).
/// </summary>
public sealed record LiveSparklines(
    DateTimeOffset GeneratedAt,
    IReadOnlyDictionary<string, Dictionary<string, Dictionary<string, IReadOnlyList<SparkPoint>>>> Nodes);
