using System.Text.Json;
using System.Text.Json.Serialization;

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

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}
