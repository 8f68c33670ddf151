namespace CityBrain.Hub.Notifications;

/// <summary>What a notification tells: an alert's change, or its escalation to a higher level.</summary>
public static class NotificationEvents
{
    public const string Raised = "raised";
    public const string Acknowledged = "acknowledged";
    public const string Escalated = "escalated";
    public const string Cleared = "cleared";
}
