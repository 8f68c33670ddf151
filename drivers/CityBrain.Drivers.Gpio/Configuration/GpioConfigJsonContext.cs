using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Drivers.Gpio;

/// <summary>Source-generated reader of the GPIO driver's fields (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(GpioSensorFields))]
internal sealed partial class GpioConfigJsonContext : JsonSerializerContext;
