namespace CityBrain.Hub.Alerts;

/// <summary>
/// Told of every alert change (raised, acknowledged, cleared) as the engine makes it, besides the publish queue.
/// Called on the ingest and tick threads under the condition's lock: it must only hand the alert off (never block).
/// </summary>
public interface IAlertListener
{
    void OnAlertChanged(Alert alert);
}
