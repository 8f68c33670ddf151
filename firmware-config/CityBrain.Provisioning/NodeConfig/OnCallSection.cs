namespace CityBrain.Provisioning.NodeConfig;

/// <summary>
/// Limits of on-call reads (requests on the node's <c>cmd</c> topic, docs/mqtt-contract.md): a token bucket of
/// <see cref="RatePerMinute"/> with room for <see cref="Burst"/> at once, at most <see cref="MaxInFlight"/> reads
/// running, and how long a read may wait for its sensor's driver and bus.
/// </summary>
public sealed record OnCallSection
{
    /// <summary>Requests per minute the node executes (1..600); beyond it it answers <c>rate_limited</c>.</summary>
    public int RatePerMinute { get; set; } = 30;

    /// <summary>Requests the bucket holds at once (1..60).</summary>
    public int Burst { get; set; } = 5;

    /// <summary>On-call reads running at once (1..16); beyond it the node answers <c>busy</c>.</summary>
    public int MaxInFlight { get; set; } = 2;

    /// <summary>Longest a read waits for its sensor (a scheduled poll in progress, the bus lock) before answering <c>timeout</c> (100..60000).</summary>
    public int TimeoutMs { get; set; } = 5000;
}
