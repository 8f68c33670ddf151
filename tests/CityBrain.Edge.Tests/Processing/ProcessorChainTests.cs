using CityBrain.Edge.Processing;
using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Processing;

public sealed class ProcessorChainTests : ProcessorTestBase
{
    [Fact]
    public void Stages_RunInOrder_OutputOfOneFeedsTheNext()
    {
        var chain = new ProcessorChain([
            new RangeCheck(new RangeCheckOptions { Min = 0, Max = 100 }),
            new SpikeFilter(new SpikeFilterOptions { Window = 3, MaxDeviation = 10 }),
            new Deadband(new DeadbandOptions { Absolute = 1 }),
        ]);

        foreach (double v in new[] { 20.0, 20.5, 21, 80, 22.5, -5 })
        {
            Feed(chain, v);
        }

        // 20.5 and 21 inside the deadband; 80 a spike; -5 Bad by range, so the deadband reports the quality change.
        Assert.Equal([20.0, 22.5, -5], Values(Output.Readings));
        Assert.Equal(Quality.Bad, Output.Readings[2].Quality);
    }

    [Fact]
    public void Tick_Propagates_WindowOutputFlowsThroughLaterStages()
    {
        var chain = new ProcessorChain([
            new WindowAggregate(new WindowAggregateOptions { Length = TimeSpan.FromMinutes(1), Outputs = WindowOutputs.Mean }),
            new RateOfChange(new RateOfChangeOptions { Per = TimeSpan.FromMinutes(1), KeepInput = true }),
        ]);
        Feed(chain, 10, TimeSpan.FromMinutes(1));
        Feed(chain, 16, TimeSpan.FromMinutes(1));

        chain.Tick(Now, Output);

        Assert.Equal(["temperature_mean", "temperature_mean", "temperature_mean_rate"], Output.Readings.Select(r => r.Quantity));
        Assert.Equal([10.0, 16, 6], Values(Output.Readings));
    }

    [Fact]
    public void Faults_PassStraightThrough()
    {
        var chain = new ProcessorChain([new FaultingStage(), new Deadband(new DeadbandOptions { Absolute = 1 })]);

        chain.Process(At(1), Output);

        Assert.Single(Output.Faults);
        Assert.Single(Output.Readings);
    }

    private sealed class FaultingStage : IReadingProcessor
    {
        public void Process(in Reading reading, IReadingCollector output)
        {
            output.AddFault(new SensorFault(reading.Sensor, FaultCodes.OutOfRange, "test", reading.Timestamp));
            output.Add(reading);
        }

        public void Tick(DateTimeOffset now, IReadingCollector output)
        {
        }
    }
}
