using System.Globalization;
using System.Text.Json;

namespace CityBrain.Edge.Processing;

/// <summary>
/// One stage's JSON object while it is being read: typed getters that name the path, the value and the fix in their
/// errors, and a check that no unknown (misspelt) field was given.
/// </summary>
internal sealed class StageSpec(JsonElement element, string path)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal) { "type" };

    public string Path { get; } = path;

    public double? Number(string name, string fix)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            throw Error(name, $"is {Show(value)}; it must be a number: {fix}");
        }

        return number;
    }

    public string? Text(string name, string fix)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error(name, $"is {Show(value)}; it must be a string: {fix}");
    }

    public bool? Boolean(string name)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(name, $"is {Show(value)}; use true or false"),
        };
    }

    public List<string>? Strings(string name, string fix)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(name, $"is {Show(value)}; it must be a list: {fix}");
        }

        var items = new List<string>();
        int i = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            items.Add(item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw Error($"{name}[{i}]", $"is {Show(item)}; it must be a string: {fix}"));
            i++;
        }

        return items;
    }

    /// <summary>Throws when the object has a field no getter asked for.</summary>
    public void RejectUnknownFields(string validFields)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!_read.Contains(property.Name))
            {
                throw Error(property.Name, $"is not a field of this stage; valid fields: {validFields}");
            }
        }
    }

    public ProcessorConfigException Error(string field, string message) => new($"{Path}.{field}", message);

    public static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"'{value.GetString()}'",
        JsonValueKind.Undefined => "missing",
        _ => value.GetRawText(),
    };

    public static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private bool TryGet(string name, out JsonElement value)
    {
        _read.Add(name);
        return element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }
}
