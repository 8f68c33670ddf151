using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Drivers.I2c;

/// <summary>Source-generated readers of the I2C driver's configuration fields (NativeAOT: no reflection).</summary>
/// <remarks>Properties with defaults use <c>set</c>, not <c>init</c> (dotnet/runtime#84484, see NodeConfigJsonContext).</remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(I2cSensorFields))]
[JsonSerializable(typeof(I2cBusFields))]
internal sealed partial class I2cConfigJsonContext : JsonSerializerContext;
