using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Drivers.Serial;

/// <summary>Source-generated reader of the pm-serial driver's fields (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PmSerialSensorFields))]
internal sealed partial class PmSerialConfigJsonContext : JsonSerializerContext;
