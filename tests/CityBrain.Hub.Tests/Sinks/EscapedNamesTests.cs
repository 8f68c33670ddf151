using System.Text;
using CityBrain.Hub.Sinks;
using CityBrain.Provisioning.Registry;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;

namespace CityBrain.Hub.Tests.Sinks;

public sealed class EscapedNamesTests
{
    [Theory]
    [InlineData(Quality.Good)]
    [InlineData(Quality.Uncertain)]
    [InlineData(Quality.Bad)]
    public void QualityTag_IsTheContractsWireName(Quality quality) =>
        Assert.Equal(",quality=" + quality.ToWire(), Encoding.UTF8.GetString(EscapedNames.QualityTag(quality)));

    [Fact]
    public void QualityTag_UnknownValue_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EscapedNames.QualityTag((Quality)9).Length);

    [Fact]
    public void Location_WithRegistry_AddsCommunityFirstAndStreetAfterSensor_InKeyOrder()
    {
        var registry = GridRegistryLoader.Parse(File.ReadAllText(RepoPaths.Combine("deploy", "grids.example.json")), "grids.example.json");
        var names = new EscapedNames(registry);
        var topic = new NodeTopic("harbour", "g-0418", "n-harbour-02", "telemetry");

        Assert.Equal(",community=quay-south,district=harbour,grid=g-0418,node=n-harbour-02", Encoding.UTF8.GetString(names.Location("t", topic)));
        Assert.Equal(",street=quay-road", Encoding.UTF8.GetString(names.Street("t", topic)));

        // A grid the registry does not know (only possible without the location check): no such tags.
        var unknown = new NodeTopic("harbour", "g-9999", "n-x", "telemetry");
        Assert.Equal(",district=harbour,grid=g-9999,node=n-x", Encoding.UTF8.GetString(names.Location("u", unknown)));
        Assert.Empty(names.Street("u", unknown));
        Assert.Empty(new EscapedNames().Street("t", topic));
    }
}
