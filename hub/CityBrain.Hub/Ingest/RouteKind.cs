namespace CityBrain.Hub.Ingest;

public enum RouteKind
{
    /// <summary>Not for the hub (its own outputs, node config, a copy another subscription delivers): acknowledge, do nothing.</summary>
    Ignore,

    /// <summary>Broke the contract: dead-letter with the reason, acknowledge, never write.</summary>
    Reject,

    Telemetry,
    Status,
    Health,
}
