using CityBrain.Drivers.Modbus;

namespace CityBrain.Modbus.Tests.Templates;

public sealed class TemplateValidationTests
{
    private static TemplateValidationException Reject(string pointJson, string quirks = "")
    {
        string json = $$"""{"name":"meter","quirks":{{{quirks}}},"points":[{{pointJson}}]}""";
        return Assert.Throws<TemplateValidationException>(() => TemplateLoader.Parse(json, "templates/meter.json"));
    }

    [Fact]
    public void Address40001_IsRejectedWithAnExplanation()
    {
        var ex = Reject("""{"name":"voltage","table":"holding","address":40001,"type":"UINT16","unit":"V"}""");
        var error = Assert.Single(ex.Errors);
        Assert.Equal("templates/meter.json", error.File);
        Assert.Equal("$.points[0].address", error.Path);
        Assert.Equal("40001", error.Value);
        Assert.Contains("address 40001 looks like a 1-based 4xxxx register number; use table 'holding' and address 0", error.Problem, StringComparison.Ordinal);
        Assert.Contains("0-based", error.Fix, StringComparison.Ordinal);
        Assert.Contains("templates/meter.json: $.points[0].address = 40001", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("holding", 40108, "4xxxx", "address 107")]
    [InlineData("input", 30001, "3xxxx", "address 0")]
    [InlineData("discrete", 10005, "1xxxx", "address 4")]
    [InlineData("holding", 400011, "4xxxx", "address 10")]
    public void OneBasedTableNumbers_AreExplained(string table, int address, string digit, string fix)
    {
        string type = table == "discrete" ? "BIT" : "UINT16";
        var ex = Reject($$"""{"name":"voltage","table":"{{table}}","address":{{address}},"type":"{{type}}","unit":"V"}""");
        Assert.Contains(digit, ex.Message, StringComparison.Ordinal);
        Assert.Contains(fix, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HighAddressesQuirk_AllowsSunSpecStyleMaps()
    {
        var template = TemplateLoader.Parse("""{"name":"inverter","quirks":{"highAddresses":true},"points":[{"name":"active_energy","table":"holding","address":40000,"type":"UINT32","unit":"kWh"},{"name":"active_power","table":"holding","address":40002,"type":"UINT16","unit":"W"}]}""", "inverter.json");
        Assert.Equal(40002, template.Points[1].Address);
    }

    [Theory]
    [InlineData("""{"name":"voltage","table":"holding","address":0,"type":"UINT16"}""", "$.points[0].unit", "missing")]
    [InlineData("""{"name":"voltage","table":"holdings","address":0,"type":"UINT16","unit":"V"}""", "$.points[0].table", "holding")]
    [InlineData("""{"name":"voltage","table":"holding","address":0,"type":"REAL","unit":"V"}""", "$.points[0].type", "float32")]
    [InlineData("""{"name":"voltage","table":"holding","address":0,"type":"UINT16","unit":"V","adress":1}""", "$.points[0].adress", "unknown field")]
    [InlineData("""{"name":"voltage","table":"coil","address":0,"type":"UINT16","unit":"V"}""", "$.points[0].type", "BIT")]
    [InlineData("""{"name":"voltage","table":"holding","address":0,"type":"BIT","bit":16,"unit":"V"}""", "$.points[0].bit", "0..15")]
    [InlineData("""{"name":"voltage","table":"holding","address":0,"type":"STRING","unit":"V"}""", "$.points[0].length", "length")]
    [InlineData("""{"name":"voltage","table":"holding","address":0,"type":"UINT16","scale":0,"unit":"V"}""", "$.points[0].scale", "scale 0")]
    [InlineData("""{"name":"voltage","table":"holding","address":0,"type":"UINT16","validMin":5,"validMax":1,"unit":"V"}""", "$.points[0].validMin", "swap")]
    [InlineData("""{"name":"Air Temp","table":"holding","address":0,"type":"UINT16","unit":"V"}""", "$.points[0].name", "snake_case")]
    [InlineData("""{"name":"voltage","table":"holding","address":65535,"type":"UINT32","unit":"V"}""", "$.points[0].address", "past address 65535")]
    [InlineData("""{"name":"voltage","table":"holding","address":70000,"type":"UINT16","unit":"V"}""", "$.points[0].address", "0..65535")]
    public void BadPoint_NamesFieldValueAndFix(string point, string path, string mentioned)
    {
        var ex = Reject(point);
        var error = Assert.Single(ex.Errors, e => e.Path == path);
        Assert.Contains(mentioned, error.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(error.Fix));
    }

    [Fact]
    public void PointInsideUnreadableRange_IsRejected()
    {
        var ex = Reject("""{"name":"voltage","table":"input","address":12,"type":"FLOAT32","unit":"V"}""", """ "unreadable":[{"table":"input","start":13,"count":1}] """);
        Assert.Contains("unreadable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PointLargerThanDeviceLimit_IsRejected()
    {
        var ex = Reject("""{"name":"voltage","table":"input","address":0,"type":"FLOAT64","unit":"V"}""", """ "maxRegistersPerRequest":2 """);
        Assert.Contains("at most 2 per request", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateNames_NameMismatchAndBadJson_AreReported()
    {
        var ex = Assert.Throws<TemplateValidationException>(() => TemplateLoader.Parse("""{"name":"other","points":[{"name":"voltage","table":"input","address":0,"type":"UINT16","unit":"V"},{"name":"voltage","table":"input","address":1,"type":"UINT16","unit":"V"}]}""", "dir/meter.json"));
        Assert.Contains(ex.Errors, e => e.Path == "$.name" && e.Problem.Contains("file name", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Path == "$.points[1].name" && e.Problem.Contains("duplicates", StringComparison.Ordinal));
        var syntax = Assert.Throws<TemplateValidationException>(() => TemplateLoader.Parse("{\"name\": ", "x.json"));
        Assert.Contains("not valid JSON", syntax.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequiresUnitId255_SetsDefaultUnit()
    {
        var template = TemplateLoader.Parse("""{"name":"gw","quirks":{"requiresUnitId255":true},"points":[{"name":"voltage","table":"input","address":0,"type":"UINT16","unit":"V"}]}""", "gw.json");
        Assert.Equal(255, template.DefaultUnitId);
    }

    [Fact]
    public void UnknownQuantity_IsRejectedWithTheNearestCataloguedName()
    {
        var ex = Reject("""{"name":"sound_level_laeq","table":"holding","address":0,"type":"UINT16","scale":0.1,"unit":"dB(A)"}""");
        var error = Assert.Single(ex.Errors);
        Assert.Equal("$.points[0].name", error.Path);
        Assert.Contains("not in the quantity catalogue; did you mean \"noise_laeq\"?", error.Problem, StringComparison.Ordinal);
        Assert.Contains("quantities.json", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void UnitOtherThanTheCatalogues_IsRejectedWithTheCataloguedUnit()
    {
        var ex = Reject("""{"name":"air_temperature","table":"holding","address":0,"type":"INT16","scale":0.1,"unit":"°C"}""");
        var error = Assert.Single(ex.Errors);
        Assert.Equal("$.points[0].unit", error.Path);
        Assert.Contains("\"degC\"", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void QuantityField_NamesTheCataloguedQuantityOfALanePoint()
    {
        var template = TemplateLoader.Parse("""{"name":"meter","points":[{"name":"occupancy_lane_2","quantity":"occupancy","table":"holding","address":0,"type":"UINT16","unit":"%"}]}""", "meter.json");
        var point = Assert.Single(template.Points);
        Assert.Equal(("occupancy_lane_2", "occupancy"), (point.Name, point.Quantity));
        var ex = Reject("""{"name":"occupancy_lane_2","quantity":"ocupancy","table":"holding","address":0,"type":"UINT16","unit":"%"}""");
        Assert.Equal("$.points[0].quantity", Assert.Single(ex.Errors).Path);
        Assert.Contains("did you mean \"occupancy\"", ex.Message, StringComparison.Ordinal);
    }
}
