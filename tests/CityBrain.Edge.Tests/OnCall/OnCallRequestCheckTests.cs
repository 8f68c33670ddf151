using System.Text;
using CityBrain.Edge.OnCall;
using CityBrain.Sensing.Contract;

namespace CityBrain.Edge.Tests.OnCall;

public sealed class OnCallRequestCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);
    private static readonly long Later = Now.AddSeconds(10).ToUnixTimeMilliseconds();

    private static (string Code, string Message)? Check(string json, out OnCallRequest? request) =>
        OnCallRequestCheck.Check(Encoding.UTF8.GetBytes(json), Now, id => id == "env-01", out request);

    [Fact]
    public void Check_ValidRead_PassesWithTheRequest()
    {
        Assert.Null(Check($$"""{"v":1,"op":"read","sensor":"env-01","expires":{{Later}},"by":"ops"}""", out var request));
        Assert.Equal(("env-01", Later, "ops"), (request!.Sensor, request.Expires, request.By));
    }

    [Theory]
    [InlineData("not json", "bad_request", "not valid JSON")]
    [InlineData("null", "bad_request", "null")]
    [InlineData("{\"v\":2,\"op\":\"read\",\"sensor\":\"env-01\",\"expires\":EXP}", "bad_request", "$.v")]
    [InlineData("{\"v\":1,\"op\":\"reboot\",\"sensor\":\"env-01\",\"expires\":EXP}", "bad_request", "$.op")]
    [InlineData("{\"v\":1,\"op\":\"read\",\"expires\":EXP}", "bad_request", "$.sensor")]
    [InlineData("{\"v\":1,\"op\":\"read\",\"sensor\":\"env-01\"}", "bad_request", "$.expires")]
    [InlineData("{\"v\":1,\"op\":\"read\",\"sensor\":\"env-01\",\"expires\":PAST}", "expired", "expired at")]
    [InlineData("{\"v\":1,\"op\":\"read\",\"sensor\":\"env-99\",\"expires\":EXP}", "unknown_sensor", "'env-99'")]
    public void Check_Refused_NamesTheCodeAndTheProblem(string json, string code, string says)
    {
        json = json.Replace("EXP", Later.ToString(), StringComparison.Ordinal).Replace("PAST", Now.AddMilliseconds(-1).ToUnixTimeMilliseconds().ToString(), StringComparison.Ordinal);
        var refusal = Check(json, out _);
        Assert.NotNull(refusal);
        Assert.Equal(code, refusal.Value.Code);
        Assert.Contains(says, refusal.Value.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ExpiredAndUnknownSensor_ExpiredFirst()
    {
        long past = Now.AddSeconds(-1).ToUnixTimeMilliseconds();
        Assert.Equal(OnCallResponse.Expired, Check($$"""{"v":1,"op":"read","sensor":"env-99","expires":{{past}}}""", out _)!.Value.Code);
    }

    [Fact]
    public void Check_OversizedPayload_BadRequest()
    {
        var refusal = OnCallRequestCheck.Check(new byte[OnCallRequestCheck.MaxPayloadBytes + 1], Now, _ => true, out _);
        Assert.Equal(OnCallResponse.BadRequest, refusal!.Value.Code);
    }
}
