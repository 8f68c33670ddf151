using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Edge.Tests.Composition.MadeUpDriver;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(EchoFields))]
internal sealed partial class EchoJsonContext : JsonSerializerContext;
