using System.Text.Json;
using CityBrain.Hub.Health;

namespace CityBrain.Hub.Alerts;

/// <summary>The active alerts in the health snapshot (section <c>alerts</c>): saved with the registry, taken back at start (<see cref="AlertEngine.Restore"/>).</summary>
public sealed class AlertSnapshot(AlertEngine engine) : ISnapshotContributor
{
    public const string SectionName = "alerts";

    public string Section => SectionName;

    public JsonElement Save() => JsonSerializer.SerializeToElement(engine.GetActive(), HubJsonContext.Default.IReadOnlyListAlert);

    public int Restore(JsonElement saved) => engine.Restore(saved.Deserialize(HubJsonContext.Default.IReadOnlyListAlert) ?? []);
}
