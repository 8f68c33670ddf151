using System.Text.Json;
using CityBrain.Sensing.Contract;

namespace CityBrain.Edge.OnCall;

/// <summary>
/// Reads and checks one on-call request (schema oncall-request.v1) before anything runs: the JSON, its version and
/// operation, the sensor, and its <c>expires</c> time. Returns the error answer's code and message, or null with the
/// request when it may run. The order is the contract's: bad_request, expired, unknown_sensor (rate and in-flight
/// limits are the responder's, after these).
/// </summary>
internal static class OnCallRequestCheck
{
    public const int MaxPayloadBytes = 4096;

    public static (string Code, string Message)? Check(byte[] payload, DateTimeOffset now, Func<string, bool> hasSensor, out OnCallRequest? request)
    {
        request = null;
        if (payload.Length is 0 or > MaxPayloadBytes)
        {
            return (OnCallResponse.BadRequest, $"the request must be a JSON object of 1 to {MaxPayloadBytes} bytes (schema oncall-request.v1), got {payload.Length} bytes");
        }

        try
        {
            request = JsonSerializer.Deserialize(payload, ContractJsonContext.Default.OnCallRequest);
        }
        catch (JsonException ex)
        {
            return (OnCallResponse.BadRequest, $"the request is not valid JSON for oncall-request.v1: {ex.Message}");
        }

        if (request is null)
        {
            return (OnCallResponse.BadRequest, "the request is null; send {\"v\":1,\"op\":\"read\",\"sensor\":\"…\",\"expires\":<unix ms>}");
        }

        if (request.Version != 1)
        {
            return (OnCallResponse.BadRequest, $"$.v: request schema version {request.Version} is not supported (this node reads version 1)");
        }

        if (request.Op != OnCallRequest.Read)
        {
            return (OnCallResponse.BadRequest, $"$.op: '{request.Op}' is not an operation of this node (read)");
        }

        if (string.IsNullOrEmpty(request.Sensor))
        {
            return (OnCallResponse.BadRequest, "$.sensor is required: the id of one of the node's sensors");
        }

        if (request.Expires <= 0)
        {
            return (OnCallResponse.BadRequest, "$.expires is required: Unix milliseconds after which the request must not run");
        }

        if (now.ToUnixTimeMilliseconds() > request.Expires)
        {
            return (OnCallResponse.Expired, $"the request expired at {DateTimeOffset.FromUnixTimeMilliseconds(request.Expires):O}, {now.ToUnixTimeMilliseconds() - request.Expires} ms before it arrived; not executed");
        }

        if (!hasSensor(request.Sensor))
        {
            return (OnCallResponse.UnknownSensor, $"this node has no sensor '{request.Sensor}' (see its status message for the sensor list)");
        }

        return null;
    }
}
