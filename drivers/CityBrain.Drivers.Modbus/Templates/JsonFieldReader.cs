using System.Globalization;
using System.Text.Json;

namespace CityBrain.Drivers.Modbus;

/// <summary>Reads typed fields from a JSON object, recording a <see cref="TemplateError"/> for each problem.</summary>
internal sealed class JsonFieldReader(string file, List<TemplateError> errors)
{
    public int Count => errors.Count;

    public void Error(string path, string? value, string problem, string fix) => errors.Add(new TemplateError(file, path, value, problem, fix));

    public void CheckKnownFields(JsonElement obj, string path, params string[] known)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (property.Name != "$schema" && Array.IndexOf(known, property.Name) < 0)
            {
                Error($"{path}.{property.Name}", Raw(property.Value), "unknown field", $"remove it or check the spelling; known fields: {string.Join(", ", known)}");
            }
        }
    }

    public string? String(JsonElement obj, string path, string name, bool required)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            if (required)
            {
                Error($"{path}.{name}", null, "required field is missing", $"add \"{name}\": \"...\"");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            Error($"{path}.{name}", Raw(value), "must be a non-empty string", $"write \"{name}\": \"...\"");
            return null;
        }

        return value.GetString();
    }

    public double? Number(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !double.IsFinite(value.GetDouble()))
        {
            Error($"{path}.{name}", Raw(value), "must be a finite number", $"write a number, e.g. \"{name}\": 0.1");
            return null;
        }

        return value.GetDouble();
    }

    public long? Integer(JsonElement obj, string path, string name, long min, long max, bool required = false)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            if (required)
            {
                Error($"{path}.{name}", null, "required field is missing", $"add \"{name}\": an integer {min}..{max}");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
        {
            Error($"{path}.{name}", Raw(value), "must be an integer", $"write an integer {min}..{max}");
            return null;
        }

        return number;
    }

    public bool? Bool(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error($"{path}.{name}", Raw(value), "must be true or false", $"write \"{name}\": true");
            return null;
        }

        return value.GetBoolean();
    }

    public T? Choice<T>(JsonElement obj, string path, string name, IReadOnlyDictionary<string, T> choices, bool required)
        where T : struct
    {
        string? text = String(obj, path, name, required);
        if (text is null)
        {
            return null;
        }

        if (choices.TryGetValue(text.ToUpperInvariant(), out var choice))
        {
            return choice;
        }

        Error($"{path}.{name}", text, "is not a known value", $"use one of: {string.Join(", ", choices.Keys).ToLowerInvariant()}");
        return null;
    }

    public static string Raw(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? $"\"{value.GetString()}\""
        : value.GetRawText();

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
