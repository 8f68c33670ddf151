using System.Diagnostics;
using CityBrain.Drivers.Modbus;
using CityBrain.Modbus.Tests.Support;
using CityBrain.Sensing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace CityBrain.Modbus.Tests.Driver;

public sealed class ModbusDeviceDriverTests
{
    private static readonly ModbusResilienceOptions NoRetry = new() { RetryAttempts = 0, TimeoutsToOpen = 100 };

    public static TheoryData<string> TemplateNames() => TemplatePaths.TemplateNames();

    [Theory]
    [MemberData(nameof(TemplateNames))]
    public async Task Poll_AgainstSimulator_YieldsOneGoodReadingPerPoint(string name)
    {
        var template = await SimulatedBus.TemplateAsync(name);
        var vector = await SimulatedBus.VectorAsync(name);
        await using var sim = await SimulatedBus.StartTcpAsync(name, template.DefaultUnitId);
        int read = 0;
        foreach (var (sensor, points) in OneSensorPerLane(template))
        {
            await using var driver = new ModbusDeviceDriver(Options(sensor) with { Points = [.. points.Select(p => p.Name)] }, template, sim.Bus);
            var collector = new CollectingReadings();
            await driver.PollAsync(collector, CancellationToken.None);

            Assert.Empty(collector.Faults);
            Assert.Equal(points.Count, collector.Readings.Count);
            foreach (var reading in collector.Readings)
            {
                var point = Assert.Single(points, p => p.Quantity == reading.Quantity);
                double expected = vector.Expected[point.Name];
                Assert.True(Math.Abs(expected - reading.Value) <= Math.Max(1e-9, Math.Abs(expected) * 1e-6), $"{point.Name}: {reading.Value} vs {expected}");
                Assert.Equal(Quality.Good, reading.Quality);
                Assert.Equal(sensor, reading.Sensor);
                Assert.Equal(point.Unit, reading.Unit);
            }

            read += collector.Readings.Count;
        }

        Assert.Equal(template.Points.Count(p => p.IsMeasurement), read);
    }

    [Fact]
    public async Task Options_TwoLanesInOneSensor_AreRefusedWithOneSensorPerLaneAsTheFix()
    {
        var template = await SimulatedBus.TemplateAsync("traffic-loop-controller-tc8");
        await using var sim = await SimulatedBus.StartTcpAsync("traffic-loop-controller-tc8", template.DefaultUnitId);
        var ex = Assert.Throws<ModbusConfigurationException>(() => new ModbusDeviceDriver(Options("loop-1"), template, sim.Bus));
        Assert.Contains("both report vehicle_count_total", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"occupancy_lane_1\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("one lane per sensor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_OneLanesPoints_ReportCatalogueQuantitiesUnderTheLanesSensor()
    {
        var template = await SimulatedBus.TemplateAsync("traffic-loop-controller-tc8");
        await using var sim = await SimulatedBus.StartTcpAsync("traffic-loop-controller-tc8", template.DefaultUnitId);
        await using var driver = new ModbusDeviceDriver(Options("loop-1-lane2") with { Points = ["occupancy_lane_2", "mean_speed_lane_2", "presence_lane_2"] }, template, sim.Bus);
        var collector = new CollectingReadings();
        await driver.PollAsync(collector, CancellationToken.None);

        Assert.Equal(["mean_speed", "occupancy", "presence"], collector.Readings.Select(r => r.Quantity).Order());
        Assert.All(collector.Readings, r => Assert.Equal("loop-1-lane2", r.Sensor));
        Assert.Equal(9.8, collector.Readings.Single(r => r.Quantity == "occupancy").Value, 6);
    }

    /// <summary>The template's measurement points split into sensors that each carry a quantity once (one sensor per lane).</summary>
    private static List<(string Sensor, List<TemplatePoint> Points)> OneSensorPerLane(DeviceTemplate template)
    {
        var sensors = new List<(string Sensor, List<TemplatePoint> Points)>();
        foreach (var point in template.Points.Where(p => p.IsMeasurement))
        {
            var home = sensors.FirstOrDefault(s => s.Points.TrueForAll(p => p.Quantity != point.Quantity));
            if (home.Points is null)
            {
                home = ($"dev-{sensors.Count + 1}", []);
                sensors.Add(home);
            }

            home.Points.Add(point);
        }

        return sensors;
    }

    [Fact]
    public async Task Simulator_AnswersDeviceIdentification()
    {
        await using var sim = await SimulatedBus.StartTcpAsync("noise-meter-nm30", 5);
        var basic = await sim.Bus.Client.ReadDeviceIdentificationAsync(5, readCode: 1);
        Assert.Equal("Generic class-2 sound level meter", basic.Objects[0x00]);
        Assert.Equal("NM30", basic.Objects[0x01]);
        Assert.Equal(3, basic.Objects.Count);
        Assert.Equal(0x82, basic.ConformityLevel);
        var regular = await sim.Bus.Client.ReadDeviceIdentificationAsync(5, readCode: 2);
        Assert.Equal("noise-meter-nm30", regular.Objects[0x04]);
        var one = await sim.Bus.Client.ReadDeviceIdentificationAsync(5, readCode: 4, objectId: 0x05);
        Assert.Equal("NM30", Assert.Single(one.Objects).Value);
        var missing = await Assert.ThrowsAsync<ModbusDeviceException>(() => sim.Bus.Client.ReadDeviceIdentificationAsync(5, readCode: 4, objectId: 0x03).AsTask());
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, missing.Code);
    }

    [Fact]
    public async Task Poll_SelectedPoints_OnlyThoseAreRead()
    {
        var template = await SimulatedBus.TemplateAsync("weather-station-ws100");
        await using var sim = await SimulatedBus.StartTcpAsync("weather-station-ws100", 3);
        await using var driver = new ModbusDeviceDriver(Options("weather-1") with { Points = ["air_temperature", "relative_humidity"] }, template, sim.Bus);
        var collector = new CollectingReadings();
        await driver.PollAsync(collector, CancellationToken.None);
        Assert.Equal(["air_temperature", "relative_humidity"], collector.Readings.Select(r => r.Quantity));
        Assert.Single(driver.Plan);
        Assert.Equal(22.5, collector.Get("air_temperature").Value, 9);
    }

    [Fact]
    public async Task Poll_ValueOutsideValidRange_IsBadQuality()
    {
        var template = await SimulatedBus.TemplateAsync("bin-level-ub40");
        await using var sim = await SimulatedBus.StartTcpAsync("bin-level-ub40", 12);
        sim.Devices[12].Bank.SetRegisters(ModbusTable.HoldingRegister, 0, [150]);
        await using var driver = new ModbusDeviceDriver(Options("bin-7"), template, sim.Bus);
        var collector = new CollectingReadings();
        await driver.PollAsync(collector, CancellationToken.None);
        Assert.Equal(Quality.Bad, collector.Get("fill_level").Quality);
        Assert.Equal(150, collector.Get("fill_level").Value);
        Assert.Equal(Quality.Good, collector.Get("distance").Quality);
    }

    [Fact]
    public async Task Poll_NanFloat_IsNotAvailableFault()
    {
        var template = await SimulatedBus.TemplateAsync("air-quality-pm2510");
        await using var sim = await SimulatedBus.StartTcpAsync("air-quality-pm2510", 1);
        sim.Devices[1].Bank.SetRegisters(ModbusTable.HoldingRegister, 2, [0x7FC0, 0x0000]);
        await using var driver = new ModbusDeviceDriver(Options("pm-1"), template, sim.Bus);
        var collector = new CollectingReadings();
        await driver.PollAsync(collector, CancellationToken.None);
        var fault = Assert.Single(collector.Faults);
        Assert.Equal(FaultCodes.NotAvailable, fault.Code);
        Assert.Contains("pm2_5", fault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(collector.Readings, r => r.Quantity == "pm2_5");
    }

    [Fact]
    public async Task Poll_ExceptionOnOneRequest_FaultsOnlyItsPoints()
    {
        using var requests = new MetricCollector<long>(null, ModbusDriverMetrics.MeterName, "citybrain.modbus.requests");
        using var failed = new MetricCollector<long>(null, ModbusDriverMetrics.MeterName, "citybrain.modbus.request.failures");
        var faults = new SwitchableFaults { Action = new ModbusFaultAction(ModbusFaultKind.Exception, ModbusExceptionCode.IllegalDataAddress), OnlyAtAddress = 10 };
        var template = await SimulatedBus.TemplateAsync("weather-station-ws100");
        await using var sim = await SimulatedBus.StartTcpAsync("weather-station-ws100", 3, faults);
        await using var driver = new ModbusDeviceDriver(Options("weather-1"), template, sim.Bus, NoRetry);
        var collector = new CollectingReadings();
        await driver.PollAsync(collector, CancellationToken.None);

        Assert.Equal(["rain_rate", "rainfall", "solar_radiation"], collector.Faults.Select(f => f.Message.Split(' ')[0]).Order());
        Assert.All(collector.Faults, f => Assert.Equal(FaultCodes.DeviceException, f.Code));
        Assert.All(collector.Faults, f => Assert.False(f.Transient));
        Assert.All(collector.Faults, f => Assert.Contains("illegal data address", f.Message, StringComparison.Ordinal));
        Assert.Equal(7, collector.Readings.Count);
        var sent = requests.GetMeasurementSnapshot().Where(m => Equals(m.Tags["sensor"], "weather-1")).ToList();
        Assert.Equal(driver.Plan.Count, sent.Count);
        Assert.Single(failed.GetMeasurementSnapshot(), m => Equals(m.Tags["sensor"], "weather-1") && Equals(m.Tags["reason"], FaultCodes.DeviceException));
    }

    [Theory]
    [InlineData(ModbusFaultKind.Drop, ModbusExceptionCode.None, FaultCodes.Timeout)]
    [InlineData(ModbusFaultKind.Exception, ModbusExceptionCode.ServerDeviceBusy, FaultCodes.DeviceBusy)]
    [InlineData(ModbusFaultKind.Corrupt, ModbusExceptionCode.None, FaultCodes.ProtocolViolation)]
    public async Task Poll_AfterGoodPoll_FailureReportsFaultsAndNoStaleValues(ModbusFaultKind kind, ModbusExceptionCode code, string expected)
    {
        var faults = new SwitchableFaults();
        var template = await SimulatedBus.TemplateAsync("noise-meter-nm30");
        await using var sim = await SimulatedBus.StartTcpAsync("noise-meter-nm30", 5, faults, TimeSpan.FromMilliseconds(200));
        await using var driver = new ModbusDeviceDriver(Options("noise-1"), template, sim.Bus, NoRetry);
        var good = new CollectingReadings();
        await driver.PollAsync(good, CancellationToken.None);
        Assert.Equal(6, good.Readings.Count);

        faults.Action = new ModbusFaultAction(kind, code);
        var bad = new CollectingReadings();
        await driver.PollAsync(bad, CancellationToken.None);
        Assert.Empty(bad.Readings);
        Assert.Equal(6, bad.Faults.Count);
        Assert.All(bad.Faults, f => Assert.Equal(expected, f.Code));
        Assert.All(bad.Faults, f => Assert.Equal("noise-1", f.Sensor));
    }

    [Fact]
    public async Task Poll_TransientBusy_IsRetriedOnce()
    {
        var faults = new SwitchableFaults { Action = new ModbusFaultAction(ModbusFaultKind.Exception, ModbusExceptionCode.ServerDeviceBusy), Remaining = 1 };
        var template = await SimulatedBus.TemplateAsync("flood-level-fl10");
        await using var sim = await SimulatedBus.StartTcpAsync("flood-level-fl10", 255, faults);
        await using var driver = new ModbusDeviceDriver(Options("flood-1"), template, sim.Bus, new ModbusResilienceOptions { RetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1) });
        var collector = new CollectingReadings();
        await driver.PollAsync(collector, CancellationToken.None);
        Assert.Empty(collector.Faults);
        Assert.Equal(7, collector.Readings.Count);
        Assert.Equal(0, faults.Remaining);
    }

    [Fact]
    public async Task Poll_DeadDevice_CircuitOpensAndFailsFast()
    {
        var faults = new SwitchableFaults { Action = new ModbusFaultAction(ModbusFaultKind.Drop) };
        var template = await SimulatedBus.TemplateAsync("bin-level-ub40");
        await using var sim = await SimulatedBus.StartTcpAsync("bin-level-ub40", 12, faults, TimeSpan.FromMilliseconds(100));
        var resilience = new ModbusResilienceOptions { RetryAttempts = 0, TimeoutsToOpen = 2, BreakDuration = TimeSpan.FromSeconds(30) };
        await using var driver = new ModbusDeviceDriver(Options("bin-7"), template, sim.Bus, resilience);
        var first = new CollectingReadings();
        for (int poll = 0; poll < 2 && driver.BreakerState == Polly.CircuitBreaker.CircuitState.Closed; poll++)
        {
            await driver.PollAsync(first, CancellationToken.None);
        }

        Assert.Contains(first.Faults, f => f.Code == FaultCodes.Timeout);
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, driver.BreakerState);

        var open = new CollectingReadings();
        var watch = Stopwatch.StartNew();
        await driver.PollAsync(open, CancellationToken.None);
        watch.Stop();
        Assert.Equal(9, open.Faults.Count);
        Assert.All(open.Faults, f => Assert.Equal(FaultCodes.CircuitOpen, f.Code));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(100), $"an open circuit took {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Configuration_Errors_NameFieldValueAndFix()
    {
        var flood = await SimulatedBus.TemplateAsync("flood-level-fl10");
        var weather = await SimulatedBus.TemplateAsync("weather-station-ws100");
        await using var bus = new ModbusBus("plc-1", ModbusClient.CreateTcp("127.0.0.1", 9));

        var unit = Assert.Throws<ModbusConfigurationException>(() => new ModbusDeviceDriver(Options("flood-1") with { UnitId = 1 }, flood, bus));
        Assert.Contains("sensors[flood-1].unit = 1", unit.Message, StringComparison.Ordinal);
        Assert.Contains("255", unit.Message, StringComparison.Ordinal);

        var point = Assert.Throws<ModbusConfigurationException>(() => new ModbusDeviceDriver(Options("w") with { Points = ["temperature"] }, weather, bus));
        Assert.Contains("air_temperature", point.Message, StringComparison.Ordinal);

        var text = Assert.Throws<ModbusConfigurationException>(() => new ModbusDeviceDriver(Options("w") with { Points = ["serial_number"] }, weather, bus));
        Assert.Contains("not a measurement point", text.Message, StringComparison.Ordinal);

        var busId = Assert.Throws<ModbusConfigurationException>(() => new ModbusDeviceDriver(Options("w") with { BusId = "rs485-9" }, weather, bus));
        Assert.Contains("sensors[w].bus", busId.Message, StringComparison.Ordinal);

        var busOptions = Assert.Throws<ModbusConfigurationException>(() => new ModbusBusOptions { Id = "rs485-1", Kind = ModbusBusKind.Rtu }.Validate());
        Assert.Contains("buses[rs485-1].port", busOptions.Message, StringComparison.Ordinal);
        Assert.Equal(ModbusBusKind.Rtu, ModbusBusOptions.ParseKind("modbus-rtu"));
    }

    private static ModbusDeviceOptions Options(string sensor) => new() { SensorId = sensor, BusId = "plc-1", Template = "t" };
}
