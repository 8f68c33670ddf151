using System.Text.Json;
using CityBrain.Drivers.Modbus;
using CityBrain.Modbus.Tests.Support;
using Json.Schema;

namespace CityBrain.Modbus.Tests.Templates;

/// <summary>A theory over firmware-config/templates: every template loads, matches the schema and decodes its vector.</summary>
public sealed class ShippedTemplateTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(TemplatePaths.Schemas, "device-template.v1.schema.json"))));

    public static TheoryData<string> TemplateNames() => TemplatePaths.TemplateNames();

    [Fact]
    public void Folder_HoldsAtLeastSixTemplates_EachWithAVector()
    {
        var names = TemplatePaths.TemplateFiles().Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.True(names.Count >= 6, $"only {names.Count} templates");
        Assert.All(names, n => Assert.True(File.Exists(Path.Combine(TemplatePaths.Templates, $"{n}.vector.json")), $"{n} has no vector"));
    }

    [Theory]
    [MemberData(nameof(TemplateNames))]
    public async Task Template_DecodesItsShippedVector(string name)
    {
        var template = await TemplateLoader.LoadFileAsync(Path.Combine(TemplatePaths.Templates, $"{name}.json"), CancellationToken.None);
        var vector = await TemplateVector.LoadFileAsync(Path.Combine(TemplatePaths.Templates, $"{name}.vector.json"), CancellationToken.None);
        Assert.Equal(name, vector.Template);
        foreach (var point in template.Points)
        {
            var raw = vector.Read(point.Table, point.Address, point.ItemCount);
            if (!point.IsMeasurement)
            {
                Assert.Equal(vector.ExpectedText[point.Name], RegisterCodec.DecodeString(raw));
                continue;
            }

            Assert.True(vector.Expected.TryGetValue(point.Name, out double expected), $"{name}: vector lacks {point.Name}");
            double actual = point.Decode(raw);
            double tolerance = point.Type == PointType.Float32 ? Math.Abs(expected) * 1e-6 : 1e-9 * Math.Max(1, Math.Abs(expected));
            Assert.True(Math.Abs(expected - actual) <= tolerance, $"{name}.{point.Name}: expected {expected}, decoded {actual}");
            Assert.True(point.IsInRange(actual), $"{name}.{point.Name}: vector value {actual} outside its valid range");
        }

        Assert.Equal(template.Points.Count(p => p.IsMeasurement), vector.Expected.Count);
    }

    [Theory]
    [MemberData(nameof(TemplateNames))]
    public async Task Template_MatchesJsonSchema(string name)
    {
        var schema = Schema.Value;
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TemplatePaths.Templates, $"{name}.json")));
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
    }

    [Fact]
    public void Schema_RejectsA40001StyleAddress()
    {
        var schema = Schema.Value;
        using var document = JsonDocument.Parse("""{"name":"x","points":[{"name":"a","table":"holding","address":400001,"type":"UINT16","unit":"V"}]}""");
        Assert.False(schema.Evaluate(document.RootElement).IsValid);
    }
}
