using System.Text.Json;
using System.Text.Json.Serialization;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Ingest;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// JSON settings of the view's API: camelCase, ISO-8601 times, nulls left out. Source-generated
/// (<see cref="ViewJsonContext"/>): no reflection, so citybrain-hub can be published NativeAOT.
/// </summary>
public static class ViewJson
{
    /// <summary>The view's settings, resolving only the types of <see cref="ViewJsonContext"/>.</summary>
    public static JsonSerializerOptions Options => ViewJsonContext.Default.Options;
}

/// <summary>Every type the operators' view and its API serve or read (see <see cref="ViewJson"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<NodeView>))]
[JsonSerializable(typeof(NodeView))]
[JsonSerializable(typeof(AlertsResponse))]
[JsonSerializable(typeof(Alert))]
[JsonSerializable(typeof(AckRequest))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(LiveState))]
[JsonSerializable(typeof(LiveSparklines))]
[JsonSerializable(typeof(NodeSummary))]
[JsonSerializable(typeof(ViewScope))]
[JsonSerializable(typeof(List<InventoryNode>))]
[JsonSerializable(typeof(ViewerInfo))]
public sealed partial class ViewJsonContext : JsonSerializerContext;

/// <summary>
/// <c>GET /ingest/stats</c>: ASP.NET Core's default web settings (camelCase, nulls written), as served before the
/// source generator.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IngestStatistics))]
public sealed partial class HubApiJsonContext : JsonSerializerContext;
