using System.Globalization;
using System.Text;

namespace CityBrain.Sensing.Catalogue;

/// <summary>
/// Renders the catalogue as the Markdown tables of <c>docs/mqtt-contract.md</c> (between
/// <see cref="BeginMarker"/> and <see cref="EndMarker"/>), so the document is generated from the file and cannot
/// drift: <c>CatalogueDocTests</c> fails when they differ, and rewrites the section with <c>CITYBRAIN_REGENERATE=1</c>.
/// </summary>
public static class CatalogueMarkdown
{
    public const string BeginMarker = "<!-- catalogue:begin — generated from firmware-config/catalogue/quantities.json; edit the file, then run: CITYBRAIN_REGENERATE=1 dotnet test tests/CityBrain.Sensing.Tests --filter CatalogueDocTests -->";

    public const string EndMarker = "<!-- catalogue:end -->";

    /// <summary>The tables (quantities by domain, then derived suffixes), each line ending in <c>\n</c>.</summary>
    public static string Render(QuantityCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var md = new StringBuilder();
        md.Append("| domain | quantity | unit | kind | physical range | shown as | class | meaning |\n");
        md.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var q in catalogue.Entries)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {q.Domain} | `{q.Name}` | `{q.Unit}` | {q.Kind} | {Number(q.Min)} … {Number(q.Max)} | {Shown(q)} | {q.Classification} | {Cell(q.Description)} |\n");
        }

        md.Append('\n');
        md.Append("Derived quantities (edge processors) need no entry: a catalogued name with one of these suffixes.\n\n");
        md.Append("| suffix | unit | meaning |\n");
        md.Append("|---|---|---|\n");
        foreach (var d in catalogue.Derived)
        {
            md.Append(CultureInfo.InvariantCulture, $"| `{{quantity}}{d.Suffix}` | {string.Join(", ", d.Unit.Split('|').Select(u => $"`{u}`"))} | {Cell(d.Description)} |\n");
        }

        return md.ToString();
    }

    /// <summary><paramref name="document"/> with the text between the markers replaced by <paramref name="generated"/>.</summary>
    /// <exception cref="InvalidDataException">The markers are missing or out of order.</exception>
    public static string Splice(string document, string generated)
    {
        ArgumentNullException.ThrowIfNull(document);
        int begin = document.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = document.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidDataException($"the document has no '{BeginMarker}' … '{EndMarker}' section");
        }

        int from = begin + BeginMarker.Length;
        return string.Concat(document.AsSpan(0, from), "\n", generated, document.AsSpan(end));
    }

    private static string Shown(CatalogueQuantity q)
    {
        if (q.IsState && q.Display.Words is [var off, var on])
        {
            return $"0 = {off}, 1 = {on}";
        }

        string number = q.Display.Decimals == 0 ? "#" : "#." + new string('#', q.Display.Decimals);
        string symbol = q.Display.Symbol ?? q.Unit;
        return Cell(symbol.Length == 0 ? number : $"{number} {symbol}");
    }

    private static string Number(double value) =>
        Math.Abs(value) >= 1e6 ? value.ToString("0.###E+0", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
