using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>JSON settings of the view's API: camelCase, ISO-8601 times, nulls left out.</summary>
public static class ViewJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
