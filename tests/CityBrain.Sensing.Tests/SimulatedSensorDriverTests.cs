using CityBrain.Drivers.Simulated;
using CityBrain.Sensing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Sensing.Tests;

public sealed class SimulatedSensorDriverTests
{
    private sealed class ListCollector : IReadingCollector
    {
        public List<Reading> Readings { get; } = [];

        public List<SensorFault> Faults { get; } = [];

        public void Add(in Reading reading) => Readings.Add(reading);

        public void AddFault(SensorFault fault) => Faults.Add(fault);
    }

    [Theory]
    [InlineData(SimulatedSensorKind.Traffic, 3)]
    [InlineData(SimulatedSensorKind.Bin, 4)]
    [InlineData(SimulatedSensorKind.Environment, 5)]
    [InlineData(SimulatedSensorKind.Water, 2)]
    public async Task PollAsync_YieldsOneReadingPerChannel_StampedWithTheClock(SimulatedSensorKind kind, int channels)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T08:00:00.1234Z", System.Globalization.CultureInfo.InvariantCulture));
        var driver = new SimulatedSensorDriver(new SimulatedSensorOptions("s-1", kind, Seed: 5), time);
        var collector = new ListCollector();

        await driver.PollAsync(collector, CancellationToken.None);

        Assert.Equal(channels, collector.Readings.Count);
        Assert.All(collector.Readings, r =>
        {
            Assert.Equal("s-1", r.Sensor);
            Assert.True(double.IsFinite(r.Value));
            Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), r.Timestamp.ToUnixTimeMilliseconds());
        });
        Assert.Equal(driver.Quantities.Select(q => q.Quantity), collector.Readings.Select(r => r.Quantity));
    }

    [Fact]
    public async Task PollAsync_WithSamplesPerPoll_SpreadsTheSamplesEvenlyOverTheIntervalEndingAtNow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T08:00:00.000Z", System.Globalization.CultureInfo.InvariantCulture));
        var driver = new SimulatedSensorDriver(new SimulatedSensorOptions("s-1", SimulatedSensorKind.Traffic, Seed: 5, SamplesPerPoll: 4, PollInterval: TimeSpan.FromMilliseconds(100)), time);
        var collector = new ListCollector();

        await driver.PollAsync(collector, CancellationToken.None);

        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(4 * 3, collector.Readings.Count);
        var stamps = collector.Readings.Where(r => r.Quantity == driver.Quantities[0].Quantity).Select(r => r.Timestamp.ToUnixTimeMilliseconds()).ToArray();
        Assert.Equal(new[] { now - 75, now - 50, now - 25, now }, stamps);
        Assert.All(collector.Readings, r => Assert.Equal(SimulatedChannels.Value(SimulatedSensorKind.Traffic, 5, driver.Quantities.ToList().FindIndex(q => q.Quantity == r.Quantity), r.Timestamp.ToUnixTimeMilliseconds()), r.Value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void SamplesPerPoll_OutsideOneToAThousand_IsRejected(int samples) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedSensorDriver(new SimulatedSensorOptions("s-1", SimulatedSensorKind.Bin, SamplesPerPoll: samples), TimeProvider.System));

    [Fact]
    public void Value_IsAPureFunctionOfSeedChannelAndTime()
    {
        long t = 1_795_000_000_000;
        Assert.Equal(SimulatedChannels.Value(SimulatedSensorKind.Environment, 3, 0, t), SimulatedChannels.Value(SimulatedSensorKind.Environment, 3, 0, t));
        Assert.NotEqual(SimulatedChannels.Value(SimulatedSensorKind.Environment, 3, 0, t), SimulatedChannels.Value(SimulatedSensorKind.Environment, 4, 0, t));
    }

    [Fact]
    public void Values_StayInPlausibleRangesOverTwoDays()
    {
        long t0 = 1_795_000_000_000;
        for (long t = t0; t < t0 + (2 * 86_400_000L); t += 61_000)
        {
            Assert.InRange(SimulatedChannels.Value(SimulatedSensorKind.Bin, 7, 0, t), 0, 100);
            Assert.InRange(SimulatedChannels.Value(SimulatedSensorKind.Traffic, 1, 2, t), 0, 100);
            Assert.InRange(SimulatedChannels.Value(SimulatedSensorKind.Environment, 1, 2, t), 25, 100);
            Assert.InRange(SimulatedChannels.Value(SimulatedSensorKind.Environment, 1, 4, t), 5, 100);
        }
    }

    [Fact]
    public async Task FaultEvery_ReportsATimeoutInsteadOfReadings()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var driver = new SimulatedSensorDriver(new SimulatedSensorOptions("s-1", SimulatedSensorKind.Water, FaultEvery: 2), time);
        var first = new ListCollector();
        var second = new ListCollector();

        await driver.PollAsync(first, CancellationToken.None);
        await driver.PollAsync(second, CancellationToken.None);

        Assert.Equal(2, first.Readings.Count);
        Assert.Empty(second.Readings);
        Assert.Equal(FaultCodes.Timeout, Assert.Single(second.Faults).Code);
    }
}
