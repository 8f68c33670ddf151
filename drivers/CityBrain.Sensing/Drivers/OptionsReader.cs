using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CityBrain.Sensing.Drivers;

/// <summary>Reads a driver's typed options out of a configuration entry with its source-generated JSON type (NativeAOT-safe).</summary>
public static class OptionsReader
{
    /// <summary>
    /// Deserializes <paramref name="entry"/> (the whole sensor or bus entry: the common fields are skipped by the
    /// options type, which has the driver's fields only); a field of the wrong shape is reported at its path.
    /// </summary>
    public static TOptions? Read<TOptions>(JsonElement entry, JsonTypeInfo<TOptions> type, string path, DriverConfigContext context)
        where TOptions : class
    {
        try
        {
            return entry.Deserialize(type) ?? throw new JsonException("the entry is null");
        }
        catch (JsonException ex)
        {
            string at = ex.Path is { Length: > 1 } p ? path + "/" + p.TrimStart('$', '.').Replace('.', '/') : path;
            context.Error(at, null, "cannot read the field: " + ex.Message.Split(" Path:", 2)[0], "compare the field with the schema (firmware-config/schemas/node-config.v1.schema.json)");
            return null;
        }
    }
}
