namespace CityBrain.Hub.Notifications;

/// <summary>What a channel made of one attempt to deliver a notification.</summary>
public enum DeliveryStatus
{
    /// <summary>The receiver has it (HTTP 2xx; the database stored the row).</summary>
    Delivered,

    /// <summary>Worth another try: connection refused or reset, timeout, HTTP 408, 429 or 5xx.</summary>
    Transient,

    /// <summary>Refused for good (another HTTP 4xx): retrying the same bytes cannot help.</summary>
    Rejected,
}

/// <summary>The outcome of one delivery attempt, with the reason shown in logs (never a secret).</summary>
public sealed record DeliveryOutcome(DeliveryStatus Status, string Reason)
{
    public static readonly DeliveryOutcome Ok = new(DeliveryStatus.Delivered, "delivered");
}
