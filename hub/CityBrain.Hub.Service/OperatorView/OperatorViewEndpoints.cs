using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Sensing.Catalogue;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// The view's routes: the page (<c>/</c>, <c>/assets/…</c>), the JSON API (<c>/api/nodes</c> streamed node by node,
/// sparklines with <c>?sparklines=true</c>; <c>/api/nodes/{node}</c>, <c>/api/alerts</c>, <c>/api/catalogue</c> (the quantity catalogue file), <c>/api/catalogue/inventory</c> (every node, sensor, quantity, unit, interval and location known),
/// <c>POST /api/alerts/{id}/ack</c>, <c>GET /api/viewer</c>, <c>POST /api/nodes/{node}/sensors/{sensor}/read</c> (<see cref="ReadNowEndpoint"/>)) and the live stream (<c>/api/events</c>, with <c>/api/state</c> and
/// <c>/api/sparks</c> as the same payloads for polling). Everything is read-only except the acknowledgement and read-now, which need the
/// <see cref="AckHeader"/> header (a cross-site form cannot send it), and the token when one is configured.
/// </summary>
public static class OperatorViewEndpoints
{
    /// <summary>Header every acknowledgement must carry (CSRF protection: forms cannot set headers, and cross-origin scripts need a preflight we never grant).</summary>
    public const string AckHeader = "X-CityBrain-Request";

    public const int MaxAckByLength = 64;

    public const int MaxAckBodyBytes = 4096;

    private const string JsonContentType = "application/json; charset=utf-8";

    public static RouteGroupBuilder MapOperatorView(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireViewToken();
        group.MapGet("/", () => StaticAssets.Serve("index.html"));
        group.MapGet("/assets/{name}", (string name) => StaticAssets.Serve(name));
        group.MapGet("/api/nodes", (HttpContext http, LiveViewWriter view, string? district, string? grid, string? status, string? q, bool? sparklines) =>
        {
            http.Response.ContentType = JsonContentType;
            return view.WriteNodesAsync(http.Response.BodyWriter, Viewer.Of(http).Filter(district, grid, status, q), sparklines == true, http.RequestAborted);
        });
        group.MapGet("/api/nodes/{node}", (HttpContext http, HealthRegistry registry, string node) =>
            registry.GetNode(node) is { } view && Viewer.Of(http).MaySee(view.District, view.Street)
                ? Results.Json(view, ViewJsonContext.Default.NodeView)
                : Results.Json(new ErrorResponse($"no node '{node}' is known"), ViewJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status404NotFound));
        group.MapGet("/api/catalogue", () => Results.Bytes(QuantityCatalogue.Default.Json, JsonContentType));
        group.MapGet("/api/catalogue/inventory", (HttpContext http, HealthRegistry registry) =>
        {
            var viewer = Viewer.Of(http);
            return Results.Json(registry.EnumerateNodes(sparklines: false).Where(n => viewer.MaySee(n.District, n.Street)).Select(InventoryNode.From).ToList(), ViewJsonContext.Default.ListInventoryNode);
        });
        group.MapGet("/api/alerts", (HttpContext http, AlertEngine alerts) =>
        {
            var viewer = Viewer.Of(http);
            return Results.Json(
                new AlertsResponse([.. alerts.GetActive().Where(a => viewer.MaySee(a.District, a.Street))], [.. alerts.GetHistory().Where(a => viewer.MaySee(a.District, a.Street))]),
                ViewJsonContext.Default.AlertsResponse);
        });
        group.MapPost("/api/alerts/{id}/ack", Acknowledge);
        group.MapGet("/api/viewer", (HttpContext http) => Results.Json(ViewerInfo.From(Viewer.Of(http)), ViewJsonContext.Default.ViewerInfo));
        group.MapPost("/api/nodes/{node}/sensors/{sensor}/read", ReadNowEndpoint.HandleAsync);
        group.MapGet("/api/events", (HttpContext http, LiveEventStream stream, string? district, string? grid, string? status, string? q) =>
            stream.StreamAsync(http, Viewer.Of(http).Filter(district, grid, status, q)));
        group.MapGet("/api/state", (HttpContext http, LiveEventStream stream, string? district, string? grid, string? status, string? q) =>
            Results.Bytes(stream.State(Viewer.Of(http).Filter(district, grid, status, q)).Json, JsonContentType));
        group.MapGet("/api/sparks", (HttpContext http, LiveEventStream stream, string? district, string? grid, string? status, string? q) =>
        {
            http.Response.ContentType = JsonContentType;
            return stream.WriteSparksAsync(http.Response.BodyWriter, Viewer.Of(http).Filter(district, grid, status, q), http.RequestAborted);
        });
        return group;
    }

    private static async Task<IResult> Acknowledge(HttpContext http, AlertEngine alerts, string id)
    {
        if (!http.Request.Headers.ContainsKey(AckHeader))
        {
            return Results.Json(new ErrorResponse($"acknowledgements must carry the header {AckHeader}: ack"), ViewJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status400BadRequest);
        }

        // With tokens, the acknowledgement is recorded under the authenticated holder; a name in the body is kept beside it.
        var viewer = Viewer.Of(http);
        if (alerts.Find(id) is { } target && !viewer.MaySee(target.District, target.Street))
        {
            return Results.Json(new ErrorResponse($"no alert '{id}'"), ViewJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status404NotFound);
        }

        string by = viewer.Name ?? TokenGate.DefaultHolder;
        if (http.Request.HasJsonContentType() && http.Request.ContentLength is null or > 0)
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxAckBodyBytes;
            }

            try
            {
                var body = await http.Request.ReadFromJsonAsync(ViewJsonContext.Default.AckRequest, http.RequestAborted);
                if (!string.IsNullOrWhiteSpace(body?.By))
                {
                    string said = new(body.By.Trim().Where(c => !char.IsControl(c)).Take(MaxAckByLength).ToArray());
                    by = viewer.Name is null ? said : said == viewer.Name ? viewer.Name : $"{viewer.Name} ({said})";
                }
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or BadHttpRequestException)
            {
                return Results.Json(new ErrorResponse("the body must be JSON like {\"by\":\"name\"}"), ViewJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status400BadRequest);
            }
        }

        return alerts.Acknowledge(id, by) switch
        {
            AckResult.Acknowledged or AckResult.AlreadyAcknowledged => Results.Json(alerts.Find(id), ViewJsonContext.Default.Alert),
            AckResult.NotActive => Results.Json(new ErrorResponse($"alert '{id}' is already cleared"), ViewJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status409Conflict),
            _ => Results.Json(new ErrorResponse($"no alert '{id}'"), ViewJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status404NotFound),
        };
    }
}
