using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CityBrain.Sensing.Drivers;

/// <summary>The usual shape of a bus kind: typed options read with a source-generated JSON type, then checked.</summary>
public abstract class BusKindDefinition<TOptions> : IBusKindDefinition
    where TOptions : class
{
    private readonly JsonTypeInfo<TOptions> _type;

    protected BusKindDefinition(string kind, string summary, string busSchema, JsonTypeInfo<TOptions> type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        Kind = kind;
        Summary = summary;
        BusSchema = busSchema;
        _type = type;
    }

    public string Kind { get; }

    public string Summary { get; }

    public string BusSchema { get; }

    public object? ReadOptions(JsonElement bus, BusSpec spec, DriverConfigContext context)
    {
        var options = OptionsReader.Read(bus, _type, spec.Path, context);
        if (options is null)
        {
            return null;
        }

        int before = context.Errors.Count;
        options = Check(options, spec, context);
        return context.Errors.Count == before ? options : null;
    }

    /// <summary>Checks beyond the schema; may return a completed copy (defaults that depend on other fields).</summary>
    protected virtual TOptions Check(TOptions options, BusSpec spec, DriverConfigContext context) => options;
}
