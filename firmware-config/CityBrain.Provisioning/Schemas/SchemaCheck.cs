using System.Text.Json;
using CityBrain.Sensing.Configuration;
using Json.Schema;

namespace CityBrain.Provisioning.Schemas;

/// <summary>Evaluates a document against a JSON Schema and turns each failure into a <see cref="ConfigError"/>.</summary>
public static class SchemaCheck
{
    public static IReadOnlyList<ConfigError> Evaluate(JsonSchema schema, JsonElement document)
    {
        var results = schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<ConfigError>();
        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is null)
            {
                continue;
            }

            string evaluationPath = detail.EvaluationPath.ToString();
            if (evaluationPath.Contains("/if", StringComparison.Ordinal))
            {
                // A failed "if" only selects which "then" applies; it is not a problem with the document.
                continue;
            }

            string path = detail.InstanceLocation.ToString();
            string? value = ValueAt(document, path);
            foreach (var (keyword, message) in detail.Errors)
            {
                if (keyword is "allOf" or "$ref" or "items" or "properties")
                {
                    continue;
                }

                errors.Add(new ConfigError(
                    path.Length == 0 ? "/" : path,
                    value,
                    DescribeKeyword(keyword, message, detail.EvaluationPath.ToString()),
                    FixFor(keyword, detail.EvaluationPath.ToString())));
            }
        }

        if (errors.Count == 0)
        {
            errors.Add(new ConfigError("/", null, "the document does not match its schema", "compare it with the schema named in its $schema"));
        }

        return errors;
    }

    private static string DescribeKeyword(string keyword, string message, string evaluationPath) => keyword switch
    {
        "" when IsUnknownField(evaluationPath) => "unknown field (not in the schema)",
        "unevaluatedProperties" or "additionalProperties" => "unknown field (not in the schema)",
        "required" => message.Replace("Required properties", "missing required field(s)", StringComparison.Ordinal),
        _ => $"{keyword}: {message}",
    };

    private static string FixFor(string keyword, string evaluationPath) => keyword switch
    {
        "" when IsUnknownField(evaluationPath) => "remove the field or check its spelling (names are camelCase; a driver's fields are listed in its part of the schema)",
        "unevaluatedProperties" or "additionalProperties" => "remove the field or check its spelling (names are camelCase; a driver's fields are listed in its part of the schema)",
        "required" => "add the missing field(s)",
        "pattern" => "ids are lower-case letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters",
        "enum" or "const" => "use one of the allowed values",
        "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" => "use a value inside the allowed range",
        "type" => "use a value of the expected type",
        _ => "see the schema",
    };

    private static bool IsUnknownField(string evaluationPath) =>
        evaluationPath.EndsWith("additionalProperties", StringComparison.Ordinal) || evaluationPath.EndsWith("unevaluatedProperties", StringComparison.Ordinal);

    private static string? ValueAt(JsonElement document, string pointer)
    {
        var current = document;
        foreach (string raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string part = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, out int index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        string text = current.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? current.ValueKind.ToString().ToLowerInvariant() : current.GetRawText();
        return text.Length > 60 ? text[..60] + "…" : text;
    }
}
