using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Provisioning.Registry;

/// <summary>Source-generated reader of <see cref="GridRegistryDocument"/> (the hub is published NativeAOT).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(GridRegistryDocument))]
public sealed partial class GridRegistryJsonContext : JsonSerializerContext;
