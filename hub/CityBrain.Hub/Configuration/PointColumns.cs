namespace CityBrain.Hub.Configuration;

/// <summary>
/// What every point stores (docs/influxdb-schema.md): the field <c>value</c> always; the tag <c>quality</c> and the field
/// <c>seq</c> unless <see cref="HubOptions.Columns"/> leaves them out.
/// </summary>
[Flags]
public enum PointColumns
{
    Value = 1,
    Quality = 2,
    Seq = 4,
    All = Value | Quality | Seq,
}

/// <summary>Reads <see cref="HubOptions.Columns"/>.</summary>
public static class PointColumnNames
{
    /// <summary>The columns named in <paramref name="names"/> (null: all), or the problems with them (field, value and fix).</summary>
    public static PointColumns Parse(IReadOnlyList<string>? names, List<string> errors)
    {
        if (names is null)
        {
            return PointColumns.All;
        }

        var columns = (PointColumns)0;
        string shown = "[" + string.Join(", ", names.Select(n => $"\"{n}\"")) + "]";
        foreach (string name in names)
        {
            var column = name switch
            {
                "value" => PointColumns.Value,
                "quality" => PointColumns.Quality,
                "seq" => PointColumns.Seq,
                _ => (PointColumns)0,
            };
            if (column == 0)
            {
                errors.Add($"Hub:Columns = {shown}: '{name}' is not a column of the schema: use \"value\", \"quality\" and/or \"seq\" (docs/influxdb-schema.md)");
            }
            else if ((columns & column) != 0)
            {
                errors.Add($"Hub:Columns = {shown} names '{name}' twice: name each column once");
            }

            columns |= column;
        }

        if ((columns & PointColumns.Value) == 0)
        {
            errors.Add($"Hub:Columns = {shown} lacks \"value\": every point stores its value; use e.g. [\"value\", \"quality\", \"seq\"]");
        }

        return columns | PointColumns.Value;
    }
}
