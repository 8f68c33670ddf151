using System.Text;
using System.Text.Json;
using CityBrain.Sensing.Catalogue;
using CityBrain.Testing;
using Json.Schema;

namespace CityBrain.Sensing.Tests.Catalogue;

public sealed class QuantityCatalogueTests
{
    private static readonly string CatalogueFile = RepoPaths.Combine("firmware-config", "catalogue", "quantities.json");

    private static QuantityCatalogue Catalogue => QuantityCatalogue.Default;

    [Fact]
    public void Default_IsTheFileInTheRepository_ByteForByte()
    {
        Assert.Equal(File.ReadAllBytes(CatalogueFile), Catalogue.Json.ToArray());
        Assert.True(Catalogue.Entries.Count >= 60, $"only {Catalogue.Entries.Count} quantities");
    }

    [Fact]
    public void File_MatchesItsJsonSchema()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(RepoPaths.Combine("firmware-config", "schemas", "catalogue.v1.schema.json")));
        using var document = JsonDocument.Parse(File.ReadAllText(CatalogueFile));
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
    }

    [Theory]
    [InlineData("vehicle_count", "count", "traffic")]
    [InlineData("occupancy", "%", "traffic")]
    [InlineData("mean_speed", "km/h", "traffic")]
    [InlineData("noise_laeq", "dB(A)", "environment")]
    [InlineData("air_temperature", "degC", "environment")]
    [InlineData("rain_rate", "mm/h", "water")]
    [InlineData("rainfall", "mm", "water")]
    [InlineData("flow", "L/min", "water")]
    [InlineData("volume", "L", "water")]
    [InlineData("co2", "ppm", "environment")]
    [InlineData("illuminance", "lx", "environment")]
    [InlineData("current_4_20", "mA", "infrastructure")]
    [InlineData("door_open", "bool", "infrastructure")]
    public void TryGet_KnownQuantity_GivesItsUnitAndDomain(string name, string unit, string domain)
    {
        Assert.True(Catalogue.TryGet(name, out var entry));
        Assert.Equal((unit, domain), (entry.Unit, entry.Domain));
        Assert.False(Catalogue.TryGet("sound_level_laeq", out _));
    }

    [Theory]
    [InlineData("pm2_5", "ug/m3", CatalogueStatus.Known, "pm2_5")]
    [InlineData("air_temperature", "°C", CatalogueStatus.UnitMismatch, "air_temperature")]
    [InlineData("pm2_5_mean", "ug/m3", CatalogueStatus.Derived, "pm2_5")]
    [InlineData("pm2_5_count", "count", CatalogueStatus.Derived, "pm2_5")]
    [InlineData("water_level_rate", "mm/min", CatalogueStatus.Known, "water_level_rate")]
    [InlineData("air_temperature_rate", "degC/min", CatalogueStatus.Derived, "air_temperature")]
    [InlineData("air_temperature_rate", "degC", CatalogueStatus.UnitMismatch, "air_temperature")]
    [InlineData("made_up_thing", "V", CatalogueStatus.UnknownQuantity, null)]
    [InlineData("made_up_thing_mean", "V", CatalogueStatus.UnknownQuantity, null)]
    public void Check_NamesTheStatusAndTheEntry(string quantity, string unit, CatalogueStatus status, string? entry)
    {
        var check = Catalogue.Check(quantity, unit);
        Assert.Equal(status, check.Status);
        Assert.Equal(entry, check.Entry?.Name);
        Assert.Equal(status is CatalogueStatus.Known or CatalogueStatus.Derived, check.IsValid);
    }

    [Fact]
    public void Check_UnitMismatch_SaysTheExpectedUnit()
    {
        Assert.Equal("degC", Catalogue.Check("air_temperature", "°C").ExpectedUnit);
        Assert.Equal("degC/s or degC/min or degC/h", Catalogue.Check("air_temperature_rate", "K/s").ExpectedUnit);
    }

    [Theory]
    [InlineData("sound_level_laeq", "noise_laeq")]
    [InlineData("precipitation_intensity", "rain_rate")]
    [InlineData("precipitation_total", "rainfall")]
    [InlineData("occupancy_lane_1", "occupancy")]
    [InlineData("vehicle_count_lane_1", "vehicle_count")]
    [InlineData("vehicle_speed_lane_1", "mean_speed")]
    [InlineData("temperature", "air_temperature")]
    [InlineData("fill_levl", "fill_level")]
    [InlineData("Relative-Humidity", "relative_humidity")]
    [InlineData("pm25", "pm2_5")]
    [InlineData("lid_opne", "lid_open")]
    public void Nearest_SuggestsTheCataloguedName(string typed, string expected) =>
        Assert.Equal(expected, Catalogue.Nearest(typed));

    [Theory]
    [InlineData("a")]
    [InlineData("xyzzy_frobnication")]
    public void Nearest_NothingClose_IsNull(string typed) => Assert.Null(Catalogue.Nearest(typed));

    [Theory]
    [InlineData("lid_open", 1, "open")]
    [InlineData("lid_open", 0, "closed")]
    [InlineData("vehicle_count", 12, "12 veh")]
    [InlineData("air_temperature", 21.456, "21.5 °C")]
    [InlineData("pm2_5", 7, "7.0 µg/m³")]
    [InlineData("power_factor", 0.934, "0.93")]
    [InlineData("air_temperature", 17.15, "17.1 °C")] // the exact binary value is below the tie, as the page's toFixed says
    public void Format_FollowsTheDisplayHints(string quantity, double value, string expected)
    {
        Assert.True(Catalogue.TryGet(quantity, out var entry));
        Assert.Equal(expected, entry.Format(value));
    }

    [Fact]
    public void Entries_EveryStateHasTwoWordsAndEveryUnitIsAscii()
    {
        Assert.All(Catalogue.Entries, q =>
        {
            Assert.True(q.Unit.All(c => c is >= '!' and <= '~'), $"{q.Name}: unit {q.Unit}");
            Assert.Equal(q.IsState, q.Display.Words is { Count: 2 });
            Assert.True(q.Min < q.Max, q.Name);
        });
    }

    [Theory]
    [InlineData("""{"version":1,"quantities":[QQ,QQ]}""", "/quantities/1/name", "listed twice")]
    [InlineData("""{"version":2,"quantities":[QQ]}""", "/version", "version 1")]
    [InlineData("""{"version":1,"quantities":[QQ],"extra":1}""", "extra", "")]
    public void Load_BrokenFile_NamesThePath(string json, string path, string problem)
    {
        const string Q = """{"name":"x_level","unit":"m","domain":"water","kind":"gauge","classification":"public","min":0,"max":1,"display":{"decimals":1},"description":"d"}""";
        var ex = Assert.Throws<InvalidDataException>(() => QuantityCatalogue.Load(Encoding.UTF8.GetBytes(json.Replace("QQ", Q, StringComparison.Ordinal))));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"unit\":\"m\"", "\"unit\":\"°C\"", "/quantities/0/unit")]
    [InlineData("\"kind\":\"gauge\"", "\"kind\":\"state\"", "/quantities/0/display/words")]
    [InlineData("\"min\":0", "\"min\":5", "/quantities/0/max")]
    [InlineData("\"domain\":\"water\"", "\"domain\":\"weather\"", "/quantities/0/domain")]
    public void Load_EntryBreakingARule_NamesItsField(string from, string to, string path)
    {
        string json = """{"version":1,"quantities":[{"name":"x_level","unit":"m","domain":"water","kind":"gauge","classification":"public","min":0,"max":1,"display":{"decimals":1},"description":"d"}]}""";
        var ex = Assert.Throws<InvalidDataException>(() => QuantityCatalogue.Load(Encoding.UTF8.GetBytes(json.Replace(from, to, StringComparison.Ordinal))));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }
}
