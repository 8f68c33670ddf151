using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// The configuration a node runs, as announced in its status and health: the revision and the outcome of the last
/// change (<c>applied</c>, <c>rejected</c>, <c>rolled_back</c>, or <c>started</c> when none came since the start).
/// </summary>
public sealed record ConfigInfo(
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("state")] string State)
{
    public const string Started = "started";
}
