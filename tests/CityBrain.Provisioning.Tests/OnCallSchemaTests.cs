using CityBrain.Provisioning.Schemas;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Provisioning.Tests;

/// <summary>On-call requests and answers as our code writes them validate against oncall-request.v1 and oncall-response.v1.</summary>
public sealed class OnCallSchemaTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);

    private static IReadOnlyList<CityBrain.Sensing.Configuration.ConfigError> Check(string schema, byte[] json) => ContractSchemaTests.Check(schema, json);

    [Fact]
    public void Request_AsTheHubWritesIt_MatchesTheSchema()
    {
        var request = new OnCallRequest { Op = OnCallRequest.Read, Sensor = "env-01", Expires = T0.ToUnixTimeMilliseconds(), By = "duty-officer" };
        Assert.Empty(Check(EmbeddedSchemas.OnCallRequest, ContractJson.Serialize(request, ContractJsonContext.Default.OnCallRequest)));
    }

    [Theory]
    [InlineData("{\"v\":1,\"op\":\"write\",\"sensor\":\"env-01\",\"expires\":1}")]
    [InlineData("{\"v\":1,\"op\":\"read\",\"expires\":1}")]
    [InlineData("{\"v\":1,\"op\":\"read\",\"sensor\":\"env-01\"}")]
    [InlineData("{\"v\":2,\"op\":\"read\",\"sensor\":\"env-01\",\"expires\":1}")]
    public void Request_Invalid_TheSchemaRejects(string json) =>
        Assert.NotEmpty(Check(EmbeddedSchemas.OnCallRequest, System.Text.Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Response_ReadingFaultAndError_MatchTheSchema()
    {
        var ok = new OnCallResponse
        {
            Node = "n-01",
            Sensor = "env-01",
            Status = OnCallResponse.Ok,
            Readings = [OnCallReading.From(new Reading("env-01", "air_temperature", 21.5, "°C", T0)), OnCallReading.From(new Reading("env-01", "relative_humidity", 61, "%", T0, Quality.Uncertain))],
            Timestamp = T0.ToUnixTimeMilliseconds(),
        };
        var fault = ok with { Status = OnCallResponse.Fault, Readings = [], Faults = [new FaultInfo(FaultCodes.Timeout, "poll did not finish within 1000 ms", T0.ToUnixTimeMilliseconds())] };
        var error = new OnCallResponse { Node = "n-01", Sensor = null, Status = OnCallResponse.Failed, Error = OnCallResponse.BadRequest, Message = "not JSON", Timestamp = 1 };
        foreach (var answer in new[] { ok, fault, error })
        {
            Assert.Empty(Check(EmbeddedSchemas.OnCallResponse, ContractJson.Serialize(answer, ContractJsonContext.Default.OnCallResponse)));
        }
    }
}
