namespace CityBrain.Hub.Alerts;

/// <summary>What acknowledging an alert did.</summary>
public enum AckResult
{
    Acknowledged,
    AlreadyAcknowledged,
    NotActive,
    NotFound,
}
