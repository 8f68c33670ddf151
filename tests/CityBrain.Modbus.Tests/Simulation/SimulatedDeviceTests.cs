using CityBrain.Drivers.Modbus;
using CityBrain.Modbus.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Modbus.Tests.Simulation;

public sealed class SimulatedDeviceTests
{
    public static TheoryData<string> TemplateNames() => TemplatePaths.TemplateNames();

    [Theory]
    [MemberData(nameof(TemplateNames))]
    public async Task Values_MoveOverADay_StayInValidRange_CountersNeverDecrease(string name)
    {
        var template = await SimulatedBus.TemplateAsync(name);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var device = new SimulatedDevice(template, await SimulatedBus.VectorAsync(name), seed: 3, timeProvider: time);
        var points = template.Points.Where(p => p.IsMeasurement).ToList();
        var first = points.ToDictionary(p => p.Name, p => Read(device, p));
        var previous = new Dictionary<string, double>(first);
        var moved = new HashSet<string>();
        for (int minute = 0; minute < 24 * 60; minute += 5)
        {
            time.Advance(TimeSpan.FromMinutes(5));
            device.Advance();
            foreach (var point in points)
            {
                double value = Read(device, point);
                Assert.True(point.IsInRange(value), $"{name}.{point.Name} = {value} left its valid range at minute {minute}");
                if (point.Simulation?.Pattern == "counter")
                {
                    Assert.True(value >= previous[point.Name], $"{name}.{point.Name} counter went back from {previous[point.Name]} to {value}");
                }

                if (value != first[point.Name])
                {
                    moved.Add(point.Name);
                }

                previous[point.Name] = value;
            }
        }

        var walking = points.Where(p => p.Type != PointType.Bit && p.Simulation?.Pattern is null or "walk" or "diurnal" or "counter").Select(p => p.Name);
        Assert.All(walking, p => Assert.Contains(p, moved));
        Assert.All(points.Where(p => p.Simulation?.Pattern == "constant"), p => Assert.DoesNotContain(p.Name, moved));
    }

    [Fact]
    public async Task Diurnal_FollowsTheTimeOfDay()
    {
        var template = await SimulatedBus.TemplateAsync("weather-station-ws100");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 3, 0, 0, TimeSpan.Zero));
        var device = new SimulatedDevice(template, timeProvider: time);
        var temperature = template.FindPoint("air_temperature")!;
        time.Advance(TimeSpan.FromMinutes(1));
        device.Advance();
        double night = Read(device, temperature);
        time.Advance(TimeSpan.FromHours(12));
        device.Advance();
        double afternoon = Read(device, temperature);
        Assert.True(afternoon > night + 5, $"15:00 {afternoon} °C should be well above 03:00 {night} °C");
    }

    [Fact]
    public async Task Quirks_AreEmulated()
    {
        var template = await SimulatedBus.TemplateAsync("street-light-meter-em24");
        var device = new SimulatedDevice(template);
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, device.ReadRegisters(ModbusTable.InputRegister, 10, new ushort[4]));
        Assert.Equal(ModbusExceptionCode.IllegalDataValue, device.ReadRegisters(ModbusTable.InputRegister, 100, new ushort[51]));
        Assert.Equal(ModbusExceptionCode.None, device.ReadRegisters(ModbusTable.InputRegister, 0, new ushort[12]));
    }

    [Theory]
    [InlineData("exception:6@0.1", ModbusFaultKind.Exception, 0.1, ModbusExceptionCode.ServerDeviceBusy, 0, null)]
    [InlineData("exception:0B", ModbusFaultKind.Exception, 1.0, ModbusExceptionCode.GatewayTargetDeviceFailedToRespond, 0, null)]
    [InlineData("delay:3000@0.05", ModbusFaultKind.Delay, 0.05, ModbusExceptionCode.None, 3000, null)]
    [InlineData("drop#3", ModbusFaultKind.Drop, 1.0, ModbusExceptionCode.None, 0, (byte)3)]
    [InlineData("crc@0.5", ModbusFaultKind.Corrupt, 0.5, ModbusExceptionCode.None, 0, null)]
    [InlineData("garbage@0.2#7", ModbusFaultKind.Garbage, 0.2, ModbusExceptionCode.None, 0, (byte)7)]
    public void FaultSpec_Parses(string spec, ModbusFaultKind kind, double probability, ModbusExceptionCode code, int delayMs, byte? unit)
    {
        Assert.Equal(new SimulatedFault(kind, probability, code, TimeSpan.FromMilliseconds(delayMs), unit), SimulatedFault.Parse(spec));
    }

    [Fact]
    public void FaultSpec_Unknown_ExplainsTheSyntax()
    {
        var ex = Assert.Throws<FormatException>(() => SimulatedFault.Parse("explode@0.1"));
        Assert.Contains("exception:CODE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultInjector_FiresAtItsProbability()
    {
        var injector = new SimulatorFaultInjector([SimulatedFault.Parse("drop@0.25")], seed: 11);
        int fired = Enumerable.Range(0, 4000).Count(_ => injector.Decide(1, [3, 0, 0, 0, 1]).Kind == ModbusFaultKind.Drop);
        Assert.InRange(fired, 850, 1150);
    }

    private static double Read(SimulatedDevice device, TemplatePoint point)
    {
        var registers = new ushort[point.ItemCount];
        if (point.Table.IsBitTable())
        {
            var bits = new bool[1];
            Assert.Equal(ModbusExceptionCode.None, device.ReadBits(point.Table, point.Address, bits));
            return bits[0] ? 1 : 0;
        }

        Assert.Equal(ModbusExceptionCode.None, device.ReadRegisters(point.Table, point.Address, registers));
        return point.Decode(registers);
    }
}
