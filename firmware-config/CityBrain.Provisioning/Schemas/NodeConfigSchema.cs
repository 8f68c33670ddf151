using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityBrain.Sensing.Drivers;
using Json.Schema;

namespace CityBrain.Provisioning.Schemas;

/// <summary>
/// The node configuration's schema for a set of drivers: the common part (firmware-config/schemas/node-config.v1.schema.json)
/// with each driver's sensor fields and each bus kind's fields composed in under <c>if driver = NAME</c> /
/// <c>if kind = KIND</c>, and <c>unevaluatedProperties: false</c>, so a field no driver knows is refused. The published
/// file is this composition for every driver the edge ships (a test keeps them equal; regenerate it with
/// <c>CITYBRAIN_UPDATE_SCHEMAS=1 dotnet test tests/CityBrain.Edge.Tests --filter NodeConfigSchemaFile</c>).
/// </summary>
public static class NodeConfigSchema
{
    private static readonly ConditionalWeakTable<DriverRegistry, JsonSchema> Compiled = [];

    /// <summary>The compiled schema for <paramref name="drivers"/> (cached per registry; each in its own schema registry, since all share one \$id).</summary>
    public static JsonSchema For(DriverRegistry drivers) =>
        Compiled.GetValue(drivers, static d => JsonSchema.FromText(ComposeText(d), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    /// <summary>The composed schema as indented JSON text.</summary>
    public static string ComposeText(DriverRegistry drivers) =>
        Compose(drivers).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    /// <summary>The composed schema as a JSON tree.</summary>
    public static JsonObject Compose(DriverRegistry drivers)
    {
        ArgumentNullException.ThrowIfNull(drivers);
        var root = JsonNode.Parse(EmbeddedSchemas.GetText(EmbeddedSchemas.NodeConfig))!.AsObject();
        var defs = root["$defs"]!.AsObject();
        foreach (var name in defs.Select(d => d.Key).Where(k => k.StartsWith("driver-", StringComparison.Ordinal) || k.StartsWith("bus-", StringComparison.Ordinal)).ToList())
        {
            defs.Remove(name);
        }

        Compose(defs, "sensor", "driver", "driver-", "which driver reads the sensor", drivers.Drivers.Select(d => (d.Name, d.Summary, d.SensorSchema)));
        Compose(defs, "bus", "kind", "bus-", "what the bus is", drivers.BusKinds.Select(k => (k.Kind, k.Summary, k.BusSchema)));
        return root;
    }

    /// <summary>
    /// Sets <c>$defs/{target}</c>'s <paramref name="field"/> to the registered names, puts each fragment under
    /// <c>$defs/{prefix}NAME</c> and selects it with <c>if {field} = NAME then $ref</c>.
    /// </summary>
    private static void Compose(JsonObject defs, string target, string field, string prefix, string description, IEnumerable<(string Name, string Summary, string Schema)> parts)
    {
        var list = parts.ToList();
        var entry = defs[target]!.AsObject();
        entry["properties"]![field] = new JsonObject
        {
            ["enum"] = new JsonArray([.. list.Select(p => (JsonNode)JsonValue.Create(p.Name))]),
            ["description"] = description + ": " + string.Join("; ", list.Select(p => $"{p.Name}: {p.Summary}")),
        };
        var cases = new JsonArray();
        foreach (var (name, _, schema) in list)
        {
            defs[prefix + name] = Fragment(schema, $"{field} '{name}'");
            cases.Add((JsonNode)Case(field, name, "#/$defs/" + prefix + name)); // JsonNode overload: Add<T> is not AOT-safe
        }

        entry["allOf"] = cases;
        entry.Remove("unevaluatedProperties");
        entry["unevaluatedProperties"] = false;
    }

    private static JsonObject Case(string field, string value, string reference) => new()
    {
        ["if"] = new JsonObject
        {
            ["properties"] = new JsonObject { [field] = new JsonObject { ["const"] = value } },
            ["required"] = new JsonArray(field),
        },
        ["then"] = new JsonObject { ["$ref"] = reference },
    };

    private static JsonObject Fragment(string schema, string owner)
    {
        try
        {
            return JsonNode.Parse(schema)?.AsObject() ?? throw new InvalidOperationException($"{owner} has an empty schema fragment");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{owner} has a schema fragment that is not JSON: {ex.Message}", ex);
        }
    }
}
