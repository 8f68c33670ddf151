using System.Text;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing;

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
}
