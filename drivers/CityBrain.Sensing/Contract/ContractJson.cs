using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CityBrain.Sensing.Contract;

/// <summary>Serializer settings for the contract's low-rate messages (status, health, dead letters, alerts).</summary>
public static class ContractJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
        WriteIndented = false,
    };

    /// <summary>Reflection-based (tests, tools); services use the overload with a <see cref="JsonTypeInfo{T}"/>.</summary>
    [RequiresUnreferencedCode("Reflection-based JSON: use Serialize(value, ContractJsonContext.Default.X) in trimmed/NativeAOT code.")]
    [RequiresDynamicCode("Reflection-based JSON: use Serialize(value, ContractJsonContext.Default.X) in NativeAOT code.")]
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Without reflection (NativeAOT): <paramref name="typeInfo"/> from <see cref="ContractJsonContext"/>, same output.</summary>
    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
}
