using CityBrain.Hub.Configuration;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Tests.Sinks;

public sealed class DomainFilterTests
{
    [Fact]
    public void Encode_WithDomains_KeepsTheDomainsPoints_WithTheirIndices()
    {
        using var batch = new PointBatch();
        string[] measurements = ["fill_level", "vehicle_count", "weight", "pm2_5", "fill_level_mean", "not_catalogued", "lid_open"];
        var topic = new NodeTopic("d1", "g1", "n1", "telemetry");
        for (int i = 0; i < measurements.Length; i++)
        {
            batch.Add(new TelemetryPoint(measurements[i], "citybrain/v1/d1/g1/n1/telemetry", topic, "s1", Quality.Good, i, i, 1000 + i), origin: 10 + i);
        }

        var filter = new DomainFilter(["sanitation"]);
        using var selected = new LineProtocolEncoder(PointColumns.Value).Encode(batch, filter);

        Assert.Equal([0, 2, 4, 6], Enumerable.Range(0, selected.Count).Select(selected.OriginOf));
        Assert.Equal(
            ["fill_level,district=d1,grid=g1,node=n1,sensor=s1 value=0 1000", "weight,district=d1,grid=g1,node=n1,sensor=s1 value=2 1002", "fill_level_mean,district=d1,grid=g1,node=n1,sensor=s1 value=4 1004", "lid_open,district=d1,grid=g1,node=n1,sensor=s1 value=6 1006"],
            Enumerable.Range(0, selected.Count).Select(selected.LineText));
        Assert.Equal([10, 12, 14, 16], Enumerable.Range(0, selected.Count).Select(i => batch.OriginOf(selected.OriginOf(i))));
    }

    [Fact]
    public void Includes_TwoDomains_UnknownQuantityInNone()
    {
        var filter = new DomainFilter(["traffic", "water"]);
        Assert.True(filter.Includes("vehicle_count"));
        Assert.True(filter.Includes("water_level"));
        Assert.False(filter.Includes("fill_level"));
        Assert.False(filter.Includes("no_such_quantity"));
    }
}
