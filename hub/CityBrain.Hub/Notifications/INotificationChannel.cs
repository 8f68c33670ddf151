namespace CityBrain.Hub.Notifications;

/// <summary>Somewhere notifications go (a webhook, the alert history in the database). One attempt per call; no retries inside.</summary>
public interface INotificationChannel : IAsyncDisposable
{
    /// <summary>The channel id (a webhook's <c>Id</c>; <c>history</c> for the database).</summary>
    string Id { get; }

    /// <summary>Timeout of one attempt.</summary>
    TimeSpan Timeout { get; }

    Task<DeliveryOutcome> SendAsync(OutboxEntry entry, CancellationToken cancellationToken);
}
