using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Registry;
using CityBrain.Provisioning.Registry;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// Writes the view's payloads node by node straight into a <see cref="Utf8JsonWriter"/>: no list of every node's
/// view is ever held, so what a payload costs the hub does not grow with the city's sensors. The <c>state</c> payload
/// (<see cref="LiveState"/>): every node's <see cref="NodeSummary"/>, sensor detail (without sparklines) only for the
/// nodes of the client's scope when it holds at most <see cref="OperatorViewOptions.MaxDetailSensors"/> sensors. The
/// <c>sparks</c> payload (<see cref="LiveSparklines"/>): only those nodes. <c>/api/nodes</c>: matching nodes, one
/// <see cref="NodeView"/> at a time.
/// </summary>
/// <remarks>With the hub's grid registry (<see cref="HubGridRegistry"/>, registered by <c>AddCityBrainHub</c>), summaries
/// carry each grid's community and city; without it (a view composed alone) those come from the nodes or stay empty.</remarks>
public sealed class LiveViewWriter(HealthRegistry registry, AlertEngine alerts, IOptions<OperatorViewOptions> options, TimeProvider time, HubGridRegistry? grids = null)
{
    /// <summary>Alerts of the recent history sent with every state.</summary>
    public const int RecentAlerts = 50;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = ViewJsonContext.Default.Options.Encoder };

    /// <summary>
    /// Every node's summary the viewer may see (<see cref="NodeFilter.Limit"/>), in the hierarchy's order (district, street, community, grid, node), each
    /// marked in scope or not, and the scope's totals.
    /// Views are made one at a time (without sparklines) and dropped once summarised, except those of the scope's
    /// nodes while the scope holds at most <see cref="OperatorViewOptions.MaxDetailSensors"/> sensors: they are its
    /// detail (keyed by node; null when the scope holds more).
    /// </summary>
    public (ViewScope Scope, List<NodeSummary> Nodes, Dictionary<string, NodeView>? Detail) Scan(NodeFilter filter)
    {
        int max = options.Value.MaxDetailSensors;
        var nodes = new List<NodeSummary>(registry.Count);
        Dictionary<string, NodeView>? detail = new(StringComparer.Ordinal);
        int inNodes = 0, inSensors = 0;
        foreach (var view in registry.EnumerateNodes(sparklines: false))
        {
            if (!filter.Sees(view))
            {
                continue; // outside the viewer's district or street: not even a summary
            }

            bool match = filter.Matches(view);
            if (match)
            {
                inNodes++;
                inSensors += view.Sensors.Count;
                detail = inSensors > max ? null : detail;
                detail?.Add(view.Node, view);
            }

            GridPlace? place = null;
            grids?.Registry?.TryGetGrid(view.Grid, out place);
            nodes.Add(NodeSummary.Of(view, match, place));
        }

        // In the hierarchy's order, so that the page's groups come out contiguous.
        nodes.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.District, b.District);
            c = c != 0 ? c : string.CompareOrdinal(a.Street, b.Street);
            c = c != 0 ? c : string.CompareOrdinal(a.Community, b.Community);
            c = c != 0 ? c : string.CompareOrdinal(a.Grid, b.Grid);
            return c != 0 ? c : string.CompareOrdinal(a.Node, b.Node);
        });
        return (new ViewScope(filter.District, filter.Grid, filter.Status, filter.Text, inNodes, inSensors, detail is not null, max), nodes, detail);
    }

    /// <summary>Writes the <c>state</c> payload of <paramref name="filter"/>; returns the nodes whose detail it holds (for the sparks).</summary>
    public IReadOnlyList<string> WriteState(IBufferWriter<byte> output, NodeFilter filter, long version)
    {
        var (scope, nodes, detail) = Scan(filter);
        var detailed = new List<string>();
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartObject();
        json.WriteNumber("version", version);
        json.WriteString("generatedAt", time.GetUtcNow());
        json.WritePropertyName("scope");
        JsonSerializer.Serialize(json, scope, ViewJsonContext.Default.ViewScope);
        json.WriteStartArray("nodes");
        foreach (var summary in nodes)
        {
            var item = summary;
            if (detail is not null && summary.InScope && detail.TryGetValue(summary.Node, out var view))
            {
                item = summary with { Sensors = view.Sensors };
                detailed.Add(view.Node);
            }

            JsonSerializer.Serialize(json, item, ViewJsonContext.Default.NodeSummary);
        }

        json.WriteEndArray();
        json.WritePropertyName("alerts");
        IReadOnlyList<Alert> active = filter.Limit is null ? alerts.GetActive() : [.. alerts.GetActive().Where(filter.Sees)];
        JsonSerializer.Serialize(json, new AlertsResponse(active, alerts.GetHistory().Where(filter.Sees).Take(RecentAlerts).ToList()), ViewJsonContext.Default.AlertsResponse);
        json.WriteEndObject();
        return detailed;
    }

    /// <summary>Writes the <c>sparks</c> payload of <paramref name="nodes"/>, flushing <paramref name="output"/> after each node.</summary>
    public async Task WriteSparksAsync(PipeWriter output, IReadOnlyList<string> nodes, CancellationToken cancellationToken)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartObject();
        json.WriteString("generatedAt", time.GetUtcNow());
        json.WriteStartObject("nodes");
        foreach (string node in nodes)
        {
            if (registry.GetNode(node, sparklines: true) is not { } view)
            {
                continue; // forgotten since the state was made
            }

            json.WriteStartObject(view.Node);
            foreach (var sensor in view.Sensors)
            {
                json.WriteStartObject(sensor.Id);
                foreach (var q in sensor.Quantities)
                {
                    json.WriteStartArray(q.Quantity);
                    foreach (var point in q.Spark)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("t", point.T);
                        json.WriteNumber("v", point.V);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            await FlushAsync(json, output, cancellationToken);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await FlushAsync(json, output, cancellationToken);
    }

    /// <summary>
    /// <c>GET /api/nodes</c>: a JSON array of the <see cref="NodeView"/>s matching <paramref name="filter"/>, sorted as
    /// <see cref="Scan"/> sorts them, made and written one at a time.
    /// </summary>
    public async Task WriteNodesAsync(PipeWriter output, NodeFilter filter, bool sparklines, CancellationToken cancellationToken)
    {
        var (_, nodes, _) = Scan(filter);
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartArray();
        foreach (var summary in nodes)
        {
            if (summary.InScope && registry.GetNode(summary.Node, sparklines) is { } view)
            {
                JsonSerializer.Serialize(json, view, ViewJsonContext.Default.NodeView);
                await FlushAsync(json, output, cancellationToken);
            }
        }

        json.WriteEndArray();
        await FlushAsync(json, output, cancellationToken);
    }

    private static async ValueTask FlushAsync(Utf8JsonWriter json, PipeWriter output, CancellationToken cancellationToken)
    {
        json.Flush();
        await output.FlushAsync(cancellationToken);
    }
}
