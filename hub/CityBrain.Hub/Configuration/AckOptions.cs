namespace CityBrain.Hub.Configuration;

/// <summary>
/// The end-to-end acknowledgement (<c>Hub:Ack</c>): after a telemetry message's readings are stored in every sink or
/// dead-lettered on disk, the hub tells the node, on <c>{node topic}/ack</c>, which sequence ranges it handled. Nodes
/// with <c>publish.deliveryAck: hub</c> keep readings until then and re-send what the broker lost (docs/mqtt-contract.md).
/// </summary>
public sealed class AckOptions
{
    /// <summary>False: no acknowledgements (nodes with <c>deliveryAck: hub</c> then keep every reading until it expires).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Acknowledgements to one node are coalesced: at most one message per node this often.</summary>
    public int IntervalMilliseconds { get; set; } = 200;

    /// <summary>Acknowledgement messages in flight (awaiting the broker's PUBACK) at once.</summary>
    public int MaxInFlight { get; set; } = 64;
}
