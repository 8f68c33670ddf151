using CityBrain.Hub.Health;
using CityBrain.Hub.OnCall;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// <c>POST /api/nodes/{node}/sensors/{sensor}/read</c>: the view's "read now". Needs the <see cref="OperatorViewEndpoints.AckHeader"/>
/// header (no cross-site form can send it) and a token with <see cref="ViewToken.ReadNow"/> whose scope includes the node;
/// the hub asks the node over MQTT (<see cref="OnCallRequester"/>) and returns its answer (schema oncall-response.v1):
/// 200 for a reading or a fault, the node's refusals as 400 (bad_request), 404 (unknown_sensor), 429 (rate_limited),
/// 503 (busy) and 504 (expired, timeout); no answer is 504, a hub without a broker or too many waiting 503.
/// </summary>
public static class ReadNowEndpoint
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public static async Task<IResult> HandleAsync(HttpContext http, HealthRegistry registry, OnCallRequester requester, string node, string sensor)
    {
        if (!http.Request.Headers.ContainsKey(OperatorViewEndpoints.AckHeader))
        {
            return Error(StatusCodes.Status400BadRequest, $"read-now requests must carry the header {OperatorViewEndpoints.AckHeader}: read");
        }

        var viewer = Viewer.Of(http);
        if (!viewer.MayReadNow)
        {
            return Error(StatusCodes.Status403Forbidden, "this view is read-only: asking a node to read needs a token with readNow (Hub:OperatorView:Tokens:N:ReadNow)");
        }

        if (registry.GetNode(node) is not { } view || !viewer.MaySee(view.District, view.Street))
        {
            return Error(StatusCodes.Status404NotFound, $"no node '{node}' is known");
        }

        if (!Location.IsValidId(sensor))
        {
            return Error(StatusCodes.Status400BadRequest, $"'{sensor}' is not a sensor id (lower-case letters, digits, '-' and '_')");
        }

        var identity = new NodeIdentity(view.Node, new Location(view.City ?? "", view.District, view.Street ?? "", view.Grid));
        var outcome = await requester.ReadAsync(identity, sensor, viewer.Name, OnCallRequester.DefaultTimeout, http.RequestAborted);
        if (outcome.Answer is { } answer)
        {
            int status = answer.Error switch
            {
                null => StatusCodes.Status200OK,
                OnCallResponse.UnknownSensor => StatusCodes.Status404NotFound,
                OnCallResponse.RateLimited => StatusCodes.Status429TooManyRequests,
                OnCallResponse.Busy => StatusCodes.Status503ServiceUnavailable,
                OnCallResponse.Expired or OnCallResponse.Timeout => StatusCodes.Status504GatewayTimeout,
                _ => StatusCodes.Status400BadRequest,
            };
            return Results.Json(answer, ContractJsonContext.Default.OnCallResponse, JsonContentType, status);
        }

        return Error(
            outcome.Failure switch
            {
                OnCallFailure.NoAnswer => StatusCodes.Status504GatewayTimeout,
                OnCallFailure.Refused => StatusCodes.Status502BadGateway,
                _ => StatusCodes.Status503ServiceUnavailable,
            },
            outcome.Message ?? outcome.Failure.ToString());
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new ErrorResponse(message), ViewJsonContext.Default.ErrorResponse, statusCode: status);
}
