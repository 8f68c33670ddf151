using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Drivers.Modbus;

/// <summary>Source-generated readers of the Modbus driver's configuration fields (NativeAOT: no reflection).</summary>
/// <remarks>Properties with defaults use <c>set</c>, not <c>init</c> (dotnet/runtime#84484, see NodeConfigJsonContext).</remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ModbusSensorFields))]
[JsonSerializable(typeof(ModbusTcpBusFields))]
[JsonSerializable(typeof(ModbusRtuBusFields))]
internal sealed partial class ModbusConfigJsonContext : JsonSerializerContext;
