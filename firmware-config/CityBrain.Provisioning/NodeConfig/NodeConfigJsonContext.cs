using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Provisioning.NodeConfig;

/// <summary>
/// Source-generated reader of <see cref="NodeConfiguration"/> with the loader's settings (comments and trailing commas
/// allowed, unknown fields refused, numbers strict): no reflection, so the edge service can be published NativeAOT.
/// </summary>
/// <remarks>
/// The generator builds objects with one initializer holding every <c>init</c> property, so an <c>init</c> property's
/// default (<c>= 500</c>, <c>= new()</c>) would be replaced by <c>default</c> when the field is absent
/// (dotnet/runtime#84484). The configuration records therefore use <c>set</c> for every property that has a default.
/// </remarks>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(NodeConfiguration))]
public sealed partial class NodeConfigJsonContext : JsonSerializerContext;
