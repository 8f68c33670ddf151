using CityBrain.Edge.Processing;
using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Processing;

public sealed class DeadbandTests : ProcessorTestBase
{
    [Fact]
    public void Absolute_ReportsFirstAndChangesBeyondDeadband_MeasuredFromLastReported()
    {
        var stage = new Deadband(new DeadbandOptions { Absolute = 0.5 });

        foreach (double v in new[] { 20.0, 20.3, 20.5, 20.6, 20.9, 21.2, 19.0 })
        {
            Feed(stage, v);
        }

        // 20.3/20.5 within 0.5 of 20; 20.6 beyond; 20.9 within 0.5 of 20.6; 21.2 beyond; 19.0 beyond.
        Assert.Equal([20.0, 20.6, 21.2, 19.0], Values(Output.Readings));
    }

    [Fact]
    public void Percent_RelativeToLastReportedMagnitude()
    {
        var stage = new Deadband(new DeadbandOptions { Percent = 10 });

        foreach (double v in new[] { 100.0, 109, 111, 121, 123 })
        {
            Feed(stage, v);
        }

        Assert.Equal([100.0, 111, 123], Values(Output.Readings));
    }

    [Fact]
    public void QualityChange_AlwaysReported_PerQuantityState()
    {
        var stage = new Deadband(new DeadbandOptions { Absolute = 5 });

        Feed(stage, 10);
        Feed(stage, 10, quality: Quality.Uncertain);
        Feed(stage, 10, quantity: "humidity");
        Feed(stage, 11, quantity: "humidity");

        Assert.Equal([Quality.Good, Quality.Uncertain, Quality.Good], Output.Readings.Select(r => r.Quality));
        Assert.Equal(["temperature", "temperature", "humidity"], Output.Readings.Select(r => r.Quantity));
    }

    [Fact]
    public void MaxSilent_ReadingAfterSilentInterval_IsReportedWithItsOwnTimestamp()
    {
        var stage = new Deadband(new DeadbandOptions { Absolute = 1, MaxSilent = TimeSpan.FromMinutes(5) });

        Feed(stage, 20, TimeSpan.FromMinutes(2));
        Feed(stage, 20.1, TimeSpan.FromMinutes(3));
        DateTimeOffset fifthMinute = Now;
        Feed(stage, 20.2);

        Assert.Equal([20.0, 20.2], Values(Output.Readings));
        Assert.Equal(fifthMinute, Output.Readings[1].Timestamp);
    }

    [Fact]
    public void Heartbeat_OnTick_ReemitsLastReceivedRestampedAtTickTime()
    {
        var stage = new Deadband(new DeadbandOptions { Absolute = 1, MaxSilent = TimeSpan.FromSeconds(60) });
        Feed(stage, 20, TimeSpan.FromSeconds(30));
        Feed(stage, 20.4, TimeSpan.FromSeconds(29), quality: Quality.Good);
        stage.Tick(Now, Output);
        Assert.Single(Output.Readings);

        Clock.Advance(TimeSpan.FromSeconds(1));
        stage.Tick(Now, Output);

        Assert.Equal(2, Output.Readings.Count);
        Reading heartbeat = Output.Readings[1];
        Assert.Equal(20.4, heartbeat.Value);
        Assert.Equal(Now, heartbeat.Timestamp);
        Assert.Equal(Quality.Good, heartbeat.Quality);

        // The next heartbeat is due a full interval after this one.
        Clock.Advance(TimeSpan.FromSeconds(30));
        stage.Tick(Now, Output);
        Assert.Equal(2, Output.Readings.Count);
    }

    [Fact]
    public void Heartbeat_NotEmitted_WhenSensorStoppedReading_NoStaleValue()
    {
        var stage = new Deadband(new DeadbandOptions { Absolute = 1, MaxSilent = TimeSpan.FromSeconds(60) });
        Feed(stage, 20, TimeSpan.FromSeconds(61));

        stage.Tick(Now, Output);

        Assert.Single(Output.Readings);
    }

    [Fact]
    public void Options_NeitherBand_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Deadband(new DeadbandOptions()));
        Assert.Contains("absolute", ex.Message, StringComparison.Ordinal);
    }
}
