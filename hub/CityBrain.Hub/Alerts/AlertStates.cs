namespace CityBrain.Hub.Alerts;

/// <summary>An alert's lifecycle: raised → (acknowledged) → cleared.</summary>
public static class AlertStates
{
    public const string Raised = "raised";
    public const string Acknowledged = "acknowledged";
    public const string Cleared = "cleared";
}
