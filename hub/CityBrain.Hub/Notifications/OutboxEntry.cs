namespace CityBrain.Hub.Notifications;

/// <summary>One notification in the outbox: to whom (channel), its idempotency key, and the exact bytes to send.</summary>
public sealed record OutboxEntry(string Key, string Channel, string AlertId, string Event, int Level, string Body);
