using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Sensing.Tests;

public sealed class TopicsTests
{
    [Fact]
    public void For_BuildsTheLocationTopic()
    {
        var node = new NodeIdentity("n-01", new Location("metropolis", "harbour", "quay-road", "g-0417"));
        Assert.Equal("citybrain/v1/harbour/g-0417/n-01/telemetry", Topics.For(node, Topics.Telemetry));
    }

    [Fact]
    public void TryParseNodeTopic_ValidTopic_ReturnsItsParts()
    {
        Assert.True(Topics.TryParseNodeTopic("citybrain/v1/harbour/g-0417/n-01/health", out var t, out _));
        Assert.Equal(new NodeTopic("harbour", "g-0417", "n-01", "health"), t);
    }

    [Theory]
    [InlineData("weather/x", "outside the namespace")]
    [InlineData("citybrain/v2/harbour/g/n/telemetry", "unknown version")]
    [InlineData("citybrain/v1/harbour/g/telemetry", "must have the form")]
    [InlineData("citybrain/v1/harbour/g/n/telemetry/extra", "must have the form")]
    [InlineData("citybrain/v1/harbour/g/n/metrics", "unknown kind 'metrics'")]
    [InlineData("citybrain/v1/Harbour/g/n/telemetry", "invalid district id 'Harbour'")]
    [InlineData("citybrain/v1/harbour/g/n x/telemetry", "invalid node id")]
    public void TryParseNodeTopic_BadTopic_SaysWhy(string topic, string reason)
    {
        Assert.False(Topics.TryParseNodeTopic(topic, out _, out string why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }
}
