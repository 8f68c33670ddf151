using CityBrain.Hub.Sinks;

namespace CityBrain.Hub.Tests.Sinks;

public sealed class DomainFilterTests
{
    [Fact]
    public void Select_KeepsTheDomainsLines_WithTheirOriginsAndIndices()
    {
        using var batch = new LineBatch();
        string[] measurements = ["fill_level", "vehicle_count", "weight", "pm2_5", "fill_level_mean", "not_catalogued", "lid_open"];
        for (int i = 0; i < measurements.Length; i++)
        {
            batch.BeginLine(measurements[i], origin: 10 + i).Tag("node", "n1").Field("value", i).EndLine(1000 + i);
        }

        var filter = new DomainFilter(["sanitation"]);
        using var selected = new LineBatch();
        var indices = new List<int>();
        filter.Select(batch, selected, indices);

        Assert.Equal([0, 2, 4, 6], indices);
        Assert.Equal(["fill_level,node=n1 value=0i 1000", "weight,node=n1 value=2i 1002", "fill_level_mean,node=n1 value=4i 1004", "lid_open,node=n1 value=6i 1006"], Enumerable.Range(0, selected.Count).Select(selected.LineText));
        Assert.Equal([10, 12, 14, 16], Enumerable.Range(0, selected.Count).Select(selected.OriginOf));
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
