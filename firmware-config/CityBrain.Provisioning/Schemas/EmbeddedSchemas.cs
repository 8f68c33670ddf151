using System.Collections.Concurrent;
using System.Reflection;
using Json.Schema;

namespace CityBrain.Provisioning.Schemas;

/// <summary>The JSON Schemas of firmware-config/schemas, embedded in this assembly (so a node needs no schema files).</summary>
public static class EmbeddedSchemas
{
    public const string NodeConfig = "node-config.v1.schema.json";
    public const string Telemetry = "telemetry.v1.schema.json";
    public const string Status = "status.v1.schema.json";
    public const string Health = "health.v1.schema.json";
    public const string DeadLetter = "deadletter.v1.schema.json";
    public const string Ack = "ack.v1.schema.json";
    public const string ConfigState = "config-state.v1.schema.json";
    public const string ConfigEnvelope = "config-envelope.v1.schema.json";
    public const string OnCallRequest = "oncall-request.v1.schema.json";
    public const string OnCallResponse = "oncall-response.v1.schema.json";
    public const string CliOutput = "cli-output.v1.schema.json";
    public const string GridRegistry = "grid-registry.v1.schema.json";

    // Lazy: two threads loading the same schema at once would register its $id twice (JsonSchema.Net refuses that).
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Cache = new(StringComparer.Ordinal);

    public static JsonSchema Get(string fileName) => Cache.GetOrAdd(fileName, name => new Lazy<JsonSchema>(() => Load(name))).Value;

    public static string GetText(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("schemas/" + fileName)
            ?? throw new InvalidOperationException($"schema '{fileName}' is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static JsonSchema Load(string fileName) => JsonSchema.FromText(GetText(fileName));
}
