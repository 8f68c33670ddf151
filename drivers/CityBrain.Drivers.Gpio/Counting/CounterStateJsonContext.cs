using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Drivers.Gpio;

/// <summary>Source-generated (de)serializer of <see cref="CounterState"/> (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CounterState))]
internal sealed partial class CounterStateJsonContext : JsonSerializerContext;
