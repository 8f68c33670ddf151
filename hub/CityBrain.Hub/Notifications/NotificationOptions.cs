namespace CityBrain.Hub.Notifications;

/// <summary>Where alerts are sent (section <c>Hub:Notifications</c>); see docs/alerts.md, "Notifications".</summary>
public sealed class NotificationOptions
{
    public const string Section = "Hub:Notifications";

    /// <summary>Directory of the durable outbox (<c>outbox.jsonl</c>). A notification is "to be sent" once written and synced there.</summary>
    public string OutboxPath { get; set; } = "/var/lib/citybrain-hub/notifications";

    /// <summary>Most notifications waiting to be delivered; beyond it new ones are dropped, logged and counted.</summary>
    public int OutboxCapacity { get; set; } = 10_000;

    /// <summary>Retries after the first attempt in one delivery round (Polly, exponential backoff with jitter).</summary>
    public int RetryAttempts { get; set; } = 3;

    /// <summary>First retry delay of a round (doubled each attempt, capped by <see cref="MaxRetryDelay"/>).</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause of a channel after a failed round, before the next round starts (the entry stays in the outbox).</summary>
    public TimeSpan RoundPause { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often unacknowledged alerts are checked for escalation.</summary>
    public TimeSpan EscalationTick { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Writes every alert event (raised, acknowledged, escalated, cleared) to the databases as <c>alert_history</c> (off by default; the shipped hub.example.json turns it on).</summary>
    public bool History { get; set; }

    /// <summary>The webhook channels (each with a unique id that <see cref="Levels"/> names).</summary>
    public List<WebhookOptions> Webhooks { get; } = [];

    /// <summary>The channels of each level of the hierarchy.</summary>
    public EscalationLevelOptions Levels { get; set; } = new();

    /// <summary>Escalation delays per rule (<c>Rule</c> = an alert rule id, or <c>*</c> for every other rule).</summary>
    public List<EscalationOptions> Escalation { get; } = [];
}
