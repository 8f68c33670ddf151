using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using CityBrain.Sensing.Contract;

namespace CityBrain.Sensing.Catalogue;

/// <summary>
/// The quantity catalogue (<c>firmware-config/catalogue/quantities.json</c>, embedded in this assembly): every
/// quantity a node may publish with its one unit, domain, range, display and classification. Templates, drivers,
/// the node config loader and the hub look names and units up here. <see cref="Default"/> is the shipped file.
/// </summary>
public sealed class QuantityCatalogue
{
    /// <summary>Name of the embedded copy of the catalogue file.</summary>
    public const string ResourceName = "CityBrain.Sensing.quantities.json";

    private static readonly Lazy<QuantityCatalogue> Shipped = new(LoadEmbedded);

    private readonly FrozenDictionary<string, CatalogueQuantity> _byName;
    private readonly FrozenDictionary<string, string> _aliases;

    private QuantityCatalogue(CatalogueDocument document, byte[] json)
    {
        Document = document;
        Json = json;
        Entries = document.Quantities;
        Derived = document.Derived;
        _byName = document.Quantities.ToFrozenDictionary(q => q.Name, StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var q in document.Quantities)
        {
            foreach (string alias in q.Aliases)
            {
                aliases[alias] = q.Name;
            }
        }

        _aliases = aliases.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The shipped catalogue (embedded resource), loaded and checked once.</summary>
    public static QuantityCatalogue Default => Shipped.Value;

    /// <summary>Every quantity, in file order (grouped by domain).</summary>
    public IReadOnlyList<CatalogueQuantity> Entries { get; }

    /// <summary>The suffixes edge processors append (<c>_mean</c>, <c>_rate</c>, …).</summary>
    public IReadOnlyList<DerivedSuffix> Derived { get; }

    /// <summary>The parsed file.</summary>
    public CatalogueDocument Document { get; }

    /// <summary>The file's bytes as loaded (UTF-8 JSON), for serving it unchanged.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The catalogued quantity named <paramref name="name"/> (exact, ordinal; derived names and aliases are not entries).</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CatalogueQuantity? entry) =>
        _byName.TryGetValue(name, out entry);

    /// <summary>True when <paramref name="quantity"/> is catalogued, or a catalogued name with a derived suffix (<c>pm2_5_mean</c>).</summary>
    public bool Contains(string quantity) => Check(quantity, "").Status != CatalogueStatus.UnknownQuantity;

    /// <summary>
    /// Checks a reading's quantity and unit: a catalogued name in its unit, or a catalogued name with a derived
    /// suffix in the unit the suffix gives; anything else is <see cref="CatalogueStatus.UnknownQuantity"/> or
    /// <see cref="CatalogueStatus.UnitMismatch"/>.
    /// </summary>
    public CatalogueCheck Check(string quantity, string unit)
    {
        if (_byName.TryGetValue(quantity, out var entry))
        {
            return string.Equals(entry.Unit, unit, StringComparison.Ordinal)
                ? new CatalogueCheck(CatalogueStatus.Known, entry, entry.Unit)
                : new CatalogueCheck(CatalogueStatus.UnitMismatch, entry, entry.Unit);
        }

        foreach (var suffix in Derived)
        {
            if (quantity.Length > suffix.Suffix.Length && quantity.EndsWith(suffix.Suffix, StringComparison.Ordinal)
                && _byName.TryGetValue(quantity[..^suffix.Suffix.Length], out var source))
            {
                return suffix.Allows(unit, source.Unit)
                    ? new CatalogueCheck(CatalogueStatus.Derived, source, unit)
                    : new CatalogueCheck(CatalogueStatus.UnitMismatch, source, string.Join(" or ", suffix.UnitsFor(source.Unit)));
            }
        }

        return new CatalogueCheck(CatalogueStatus.UnknownQuantity, null, null);
    }

    /// <summary>
    /// The catalogued name closest to <paramref name="name"/>, for "did you mean": a former name (alias), then a
    /// catalogued name or alias the input extends (<c>occupancy_lane_1</c> → <c>occupancy</c>), then the smallest edit
    /// distance within about a third of the name's length. Null when nothing is close.
    /// </summary>
    public string? Nearest(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        if (_byName.ContainsKey(key))
        {
            return key;
        }

        if (_aliases.TryGetValue(key, out string? aliased))
        {
            return aliased;
        }

        string? extended = null;
        int extendedLength = 0;
        foreach (var q in Entries)
        {
            foreach (string candidate in q.Aliases.Prepend(q.Name))
            {
                if (key.Length > candidate.Length && candidate.Length > extendedLength && key[candidate.Length] == '_'
                    && key.StartsWith(candidate, StringComparison.Ordinal))
                {
                    extended = q.Name;
                    extendedLength = candidate.Length;
                }
            }
        }

        if (extended is not null)
        {
            return extended;
        }

        string? best = null;
        int bestDistance = Math.Max(1, key.Length / 3) + 1;
        foreach (var q in Entries)
        {
            foreach (string candidate in q.Aliases.Prepend(q.Name))
            {
                int d = EditDistance.Between(key, candidate, bestDistance);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = q.Name;
                }
            }
        }

        return best;
    }

    /// <summary>Reads and checks a catalogue file (<paramref name="json"/> is UTF-8).</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON, does not match the schema's shape, or breaks a rule (the message names the JSON path).</exception>
    public static QuantityCatalogue Load(ReadOnlySpan<byte> json)
    {
        CatalogueDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, CatalogueJsonContext.Default.CatalogueDocument);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"quantity catalogue {ex.Path}: {ex.Message}", ex);
        }

        if (document is null)
        {
            throw new InvalidDataException("quantity catalogue: the file is JSON null; it must be an object with \"version\" and \"quantities\"");
        }

        Validate(document);
        return new QuantityCatalogue(document, json.ToArray());
    }

    private static QuantityCatalogue LoadEmbedded()
    {
        using var stream = typeof(QuantityCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing from {typeof(QuantityCatalogue).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Load(copy.ToArray());
    }

    private static void Validate(CatalogueDocument document)
    {
        if (document.Version != 1)
        {
            Fail("/version", document.Version.ToString(CultureInfo.InvariantCulture), "this code reads version 1");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < document.Quantities.Count; i++)
        {
            var q = document.Quantities[i];
            string at = $"/quantities/{i}";
            if (!TelemetryCodec.IsValidQuantity(q.Name))
            {
                Fail(at + "/name", q.Name, "must be snake_case: ^[a-z][a-z0-9_]{0,63}$");
            }

            if (!seen.Add(q.Name))
            {
                Fail(at + "/name", q.Name, "is listed twice");
            }

            if (!TelemetryCodec.IsValidUnit(q.Unit) || q.Unit.Any(c => c is < '!' or > '~'))
            {
                Fail(at + "/unit", q.Unit, "must be 1 to 16 printable ASCII characters (put a Unicode symbol in display.symbol)");
            }

            Require(at + "/domain", q.Domain, CatalogueKinds.Domains);
            Require(at + "/kind", q.Kind, CatalogueKinds.Kinds);
            Require(at + "/classification", q.Classification, CatalogueKinds.Classifications);
            if (!double.IsFinite(q.Min) || !double.IsFinite(q.Max) || q.Min >= q.Max)
            {
                Fail(at + "/max", q.Max.ToString(CultureInfo.InvariantCulture), $"must be finite and above min ({q.Min.ToString(CultureInfo.InvariantCulture)})");
            }

            if (q.Display.Decimals is < 0 or > 6)
            {
                Fail(at + "/display/decimals", q.Display.Decimals.ToString(CultureInfo.InvariantCulture), "must be 0 to 6");
            }

            if (q.IsState != (q.Display.Words is { Count: 2 }) || (q.IsState && (q.Unit != CatalogueKinds.BoolUnit || q.Min != 0 || q.Max != 1)))
            {
                Fail(at + "/display/words", q.Display.Words is null ? null : string.Join(",", q.Display.Words), "a state (kind \"state\", unit \"bool\", range 0..1) has exactly two words, for 0 and 1; other kinds have none");
            }

            if (string.IsNullOrWhiteSpace(q.Description))
            {
                Fail(at + "/description", q.Description, "must say what is measured");
            }
        }

        for (int i = 0; i < document.Quantities.Count; i++)
        {
            foreach (string alias in document.Quantities[i].Aliases)
            {
                if (seen.Contains(alias))
                {
                    Fail($"/quantities/{i}/aliases", alias, "is a catalogued name itself; an alias must not be valid on the wire");
                }
            }
        }

        for (int i = 0; i < document.Derived.Count; i++)
        {
            var d = document.Derived[i];
            if (d.Suffix.Length < 2 || d.Suffix[0] != '_' || !TelemetryCodec.IsValidQuantity("x" + d.Suffix))
            {
                Fail($"/derived/{i}/suffix", d.Suffix, "must be _ and lower-case letters (_mean)");
            }
        }
    }

    private static void Require(string path, string value, IReadOnlyList<string> allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            Fail(path, value, $"must be one of {string.Join(", ", allowed)}");
        }
    }

    private static void Fail(string path, string? value, string problem) =>
        throw new InvalidDataException($"quantity catalogue {path} = '{value}': {problem}");
}
