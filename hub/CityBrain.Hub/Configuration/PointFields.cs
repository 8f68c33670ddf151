namespace CityBrain.Hub.Configuration;

/// <summary>
/// The fields every point carries (docs/influxdb-schema.md): <c>value</c> always; <c>quality</c> and <c>seq</c> unless
/// <see cref="HubOptions.Fields"/> leaves them out.
/// </summary>
[Flags]
public enum PointFields
{
    Value = 1,
    Quality = 2,
    Seq = 4,
    All = Value | Quality | Seq,
}

/// <summary>Reads <see cref="HubOptions.Fields"/>.</summary>
public static class PointFieldNames
{
    public static readonly string[] Default = ["value", "quality", "seq"];

    /// <summary>The fields named in <paramref name="names"/> (null: all), or the problems with them (field, value and fix).</summary>
    public static PointFields Parse(IReadOnlyList<string>? names, List<string> errors)
    {
        if (names is null)
        {
            return PointFields.All;
        }

        var fields = (PointFields)0;
        string shown = "[" + string.Join(", ", names.Select(n => $"\"{n}\"")) + "]";
        foreach (string name in names)
        {
            var field = name switch
            {
                "value" => PointFields.Value,
                "quality" => PointFields.Quality,
                "seq" => PointFields.Seq,
                _ => (PointFields)0,
            };
            if (field == 0)
            {
                errors.Add($"Hub:Fields = {shown}: '{name}' is not a field of the schema: use \"value\", \"quality\" and/or \"seq\" (docs/influxdb-schema.md)");
            }
            else if ((fields & field) != 0)
            {
                errors.Add($"Hub:Fields = {shown} names '{name}' twice: name each field once");
            }

            fields |= field;
        }

        if ((fields & PointFields.Value) == 0)
        {
            errors.Add($"Hub:Fields = {shown} lacks \"value\": every point stores its value; use e.g. [\"value\", \"quality\", \"seq\"]");
        }

        return fields | PointFields.Value;
    }
}
