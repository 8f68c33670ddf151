using CityBrain.Edge.Processing;

namespace CityBrain.Edge.Tests.Processing;

public sealed class ProcessorFactoryTests : ProcessorTestBase
{
    [Fact]
    public void Parse_TheDocumentedExample_BuildsAllStagesInOrder()
    {
        const string json = """
            [{"type":"range","min":0,"max":100},
             {"type":"deadband","absolute":0.5,"maxSilentSeconds":300},
             {"type":"median","window":5,"maxDeviation":10},
             {"type":"window","seconds":60,"outputs":["min","max","mean","count"]},
             {"type":"rate","per":"second"}]
            """;

        ProcessorChain chain = ProcessorFactory.Parse(json);

        Assert.Equal(
            [typeof(RangeCheck), typeof(Deadband), typeof(SpikeFilter), typeof(WindowAggregate), typeof(RateOfChange)],
            chain.Stages.Select(s => s.GetType()));
    }

    [Fact]
    public void Parse_BuiltChainBehavesAsConfigured()
    {
        ProcessorChain chain = ProcessorFactory.Parse("""[{"type":"range","max":50,"outside":"uncertain"},{"type":"deadband","absolute":2}]""");

        Feed(chain, 10);
        Feed(chain, 11);
        Feed(chain, 60);

        Assert.Equal([10.0, 60], Values(Output.Readings));
        Assert.Equal(Sensing.Quality.Uncertain, Output.Readings[1].Quality);
    }

    [Theory]
    [InlineData("""[{"type":"median","window":5}]""", "processors[0].maxDeviation: is missing")]
    [InlineData("""[{"type":"range","min":0},{"type":"deadband","absolute":-1}]""", "processors[1]: DeadbandOptions.Absolute is -1")]
    [InlineData("""[{"type":"window","seconds":60,"outputs":["min","median"]}]""", "processors[0].outputs[1]: is 'median'; use min, max, mean or count")]
    [InlineData("""[{"type":"deadbnd","absolute":1}]""", "processors[0].type: is 'deadbnd'; use one of range, deadband, median, window, rate")]
    [InlineData("""[{"type":"deadband","absolut":1}]""", "processors[0].absolut: is not a field of this stage; valid fields: absolute, percent, maxSilentSeconds")]
    [InlineData("""[{"type":"median","window":"five","maxDeviation":1}]""", "processors[0].window: is 'five'; it must be a number")]
    [InlineData("""[{"type":"median","window":2,"maxDeviation":1}]""", "SpikeFilterOptions.Window is 2; use 3 to 101")]
    [InlineData("""[{"type":"rate","per":"fortnight"}]""", "processors[0].per: is 'fortnight'; use second, minute or hour")]
    [InlineData("""{"type":"range"}""", "processors: is {\"type\":\"range\"}; it must be a list")]
    [InlineData("""[{"type":"range","max":1},""", "processors: is not valid JSON")]
    public void Parse_Invalid_ErrorNamesPathValueAndFix(string json, string expected)
    {
        var ex = Assert.Throws<ProcessorConfigException>(() => ProcessorFactory.Parse(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
