using CityBrain.Sensing.Catalogue;
using CityBrain.Testing;

namespace CityBrain.Sensing.Tests.Catalogue;

/// <summary>
/// docs/mqtt-contract.md's quantity table is generated from the catalogue file: this test fails when they differ.
/// Run it with <c>CITYBRAIN_REGENERATE=1</c> to rewrite the section (then review and commit the doc).
/// </summary>
public sealed class CatalogueDocTests
{
    private static readonly string Contract = RepoPaths.Combine("docs", "mqtt-contract.md");

    [Fact]
    public void ContractDoc_QuantityTable_IsTheOneGeneratedFromTheCatalogueFile()
    {
        string doc = File.ReadAllText(Contract);
        string expected = CatalogueMarkdown.Splice(doc, CatalogueMarkdown.Render(QuantityCatalogue.Default));
        if (Environment.GetEnvironmentVariable("CITYBRAIN_REGENERATE") == "1" && expected != doc)
        {
            File.WriteAllText(Contract, expected);
            doc = expected;
        }

        Assert.True(expected == doc, $"{Contract} is out of date with firmware-config/catalogue/quantities.json: run `CITYBRAIN_REGENERATE=1 dotnet test tests/CityBrain.Sensing.Tests --filter CatalogueDocTests` and commit the doc");
    }

    [Fact]
    public void Render_HasARowPerQuantityWithUnitRangeAndWords()
    {
        string table = CatalogueMarkdown.Render(QuantityCatalogue.Default);
        Assert.Equal(QuantityCatalogue.Default.Entries.Count, table.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains(" | `", StringComparison.Ordinal) && !l.StartsWith("| `{quantity}", StringComparison.Ordinal)));
        Assert.Contains("| environment | `air_temperature` | `degC` | gauge | -60 … 70 | #.# °C | public |", table, StringComparison.Ordinal);
        Assert.Contains("| sanitation | `lid_open` | `bool` | state | 0 … 1 | 0 = closed, 1 = open | public |", table, StringComparison.Ordinal);
        Assert.Contains("| `{quantity}_rate` | `{unit}/s`, `{unit}/min`, `{unit}/h` |", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Splice_WithoutMarkers_SaysWhatIsMissing()
    {
        var ex = Assert.Throws<InvalidDataException>(() => CatalogueMarkdown.Splice("# doc\n", "| x |\n"));
        Assert.Contains("catalogue:end", ex.Message, StringComparison.Ordinal);
    }
}
