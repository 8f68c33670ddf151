using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Provisioning.Signing;

/// <summary>Source-generated JSON for the signed envelope (NativeAOT: the edge and the CLI read and write it without reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, WriteIndented = false)]
[JsonSerializable(typeof(ConfigEnvelope))]
public sealed partial class SigningJsonContext : JsonSerializerContext;
