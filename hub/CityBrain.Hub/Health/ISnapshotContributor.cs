using System.Text.Json;

namespace CityBrain.Hub.Health;

/// <summary>
/// A part of the hub whose state is saved with the registry's snapshot (<see cref="HealthPersistenceService"/>) and
/// restored from it at start: the active alerts, for one. Each has its own section of the snapshot's header, in JSON it
/// writes and reads itself (source-generated, NativeAOT safe), so Health knows none of them.
/// </summary>
public interface ISnapshotContributor
{
    /// <summary>The property of the snapshot header holding this part (e.g. <c>alerts</c>); unique among contributors.</summary>
    string Section { get; }

    /// <summary>The state to save now.</summary>
    JsonElement Save();

    /// <summary>Takes back the state saved last (only called when the snapshot has this section); returns how many items it restored.</summary>
    int Restore(JsonElement saved);
}
