using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Drivers.Simulated;

/// <summary>Source-generated reader of the simulated driver's fields (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(SimulatedSensorFields))]
internal sealed partial class SimulatedConfigJsonContext : JsonSerializerContext;
