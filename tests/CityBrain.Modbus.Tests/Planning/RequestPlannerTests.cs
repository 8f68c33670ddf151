using CityBrain.Drivers.Modbus;
using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Planning;

public sealed class RequestPlannerTests
{
    /// <summary>Requests per poll of every template point: one per point (naive) vs merged.</summary>
    [Theory]
    [InlineData("weather-station-ws100", 11, 3)]
    [InlineData("air-quality-pm2510", 9, 2)]
    [InlineData("noise-meter-nm30", 7, 2)]
    [InlineData("traffic-loop-controller-tc8", 13, 4)]
    [InlineData("flood-level-fl10", 7, 3)]
    [InlineData("bin-level-ub40", 9, 2)]
    [InlineData("street-light-meter-em24", 9, 2)]
    public async Task ShippedTemplate_RequestCountBeforeAndAfterMerging(string name, int before, int after)
    {
        var template = await TemplateLoader.LoadFileAsync(Path.Combine(TemplatePaths.Templates, $"{name}.json"), CancellationToken.None);
        Assert.Equal(before, RequestPlanner.Unmerged(template.Points).Count);
        var plan = RequestPlanner.Plan(template.Points, template.Quirks);
        Assert.Equal(after, plan.Count);
        AssertPlanIsValid(template, plan);
    }

    [Fact]
    public void SpecLimit_125Registers_SplitsAdjacentPoints()
    {
        var points = Enumerable.Range(0, 200).Select(i => Point($"p{i}", (ushort)i)).ToList();
        var plan = RequestPlanner.Plan(points, new TemplateQuirks());
        Assert.Equal([125, 75], plan.Select(r => r.Count));
    }

    [Fact]
    public void DeviceLimit_IsRespected_AndMultiRegisterPointsNeverSplit()
    {
        var points = new[] { Point("a", 0, PointType.Float32), Point("b", 2, PointType.Float32), Point("c", 4, PointType.Float32) };
        var plan = RequestPlanner.Plan(points, new TemplateQuirks { MaxRegistersPerRequest = 5 });
        Assert.Equal(["holding 0+4 (2 points)", "holding 4+2 (1 points)"], plan.Select(r => r.ToString()));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(9, 2)]
    [InlineData(10, 1)]
    public void MaxGap_DecidesMerging(int maxGap, int expectedRequests)
    {
        var points = new[] { Point("a", 0), Point("b", 11) };
        var plan = RequestPlanner.Plan(points, new TemplateQuirks(), new PlannerOptions { MaxGapRegisters = maxGap });
        Assert.Equal(expectedRequests, plan.Count);
    }

    [Fact]
    public void UnreadableGap_IsNeverSpanned()
    {
        var points = new[] { Point("a", 0), Point("b", 3) };
        var quirks = new TemplateQuirks { Unreadable = [new AddressRange(CityBrain.Modbus.ModbusTable.HoldingRegister, 2, 1)] };
        Assert.Equal(2, RequestPlanner.Plan(points, quirks).Count);
        Assert.Single(RequestPlanner.Plan(points, new TemplateQuirks()));
    }

    [Fact]
    public void Tables_AreNeverMixed_AndBitsUseTheirOwnLimit()
    {
        var points = new List<TemplatePoint> { Point("a", 0) };
        points.AddRange(Enumerable.Range(0, 2100).Select(i => new TemplatePoint { Name = $"c{i}", Table = CityBrain.Modbus.ModbusTable.Coil, Address = (ushort)i, Type = PointType.Bit, Unit = "bool" }));
        var plan = RequestPlanner.Plan(points, new TemplateQuirks());
        Assert.Equal(["coil 0+2000 (2000 points)", "coil 2000+100 (100 points)", "holding 0+1 (1 points)"], plan.Select(r => r.ToString()));
    }

    private static TemplatePoint Point(string name, ushort address, PointType type = PointType.UInt16) =>
        new() { Name = name, Table = CityBrain.Modbus.ModbusTable.HoldingRegister, Address = address, Type = type, Unit = "V" };

    private static void AssertPlanIsValid(DeviceTemplate template, IReadOnlyList<PlannedRequest> plan)
    {
        Assert.Equal(template.Points.Count, plan.Sum(r => r.Points.Count));
        foreach (var request in plan)
        {
            int limit = request.Table is CityBrain.Modbus.ModbusTable.Coil or CityBrain.Modbus.ModbusTable.DiscreteInput ? template.Quirks.MaxBitsPerRequest : template.Quirks.MaxRegistersPerRequest;
            Assert.InRange(request.Count, 1, limit);
            Assert.All(request.Points, p => Assert.True(p.Address >= request.Start && p.Address + p.ItemCount <= request.Start + request.Count));
            Assert.DoesNotContain(template.Quirks.Unreadable, u => u.Overlaps(request.Table, request.Start, request.Count));
        }
    }
}
