namespace CityBrain.Edge.Provisioning;

/// <summary>A configuration that arrived: the raw payload (a signed envelope for a push, the file's bytes for an edit).</summary>
/// <param name="Payload">What arrived.</param>
/// <param name="Source"><c>push</c> or <c>file</c> (<see cref="CityBrain.Sensing.Contract.ConfigStateMessage"/>).</param>
public sealed record ConfigCandidate(byte[] Payload, string Source)
{
    /// <summary>Identifies the payload so one that was answered is not answered again (a retained push comes back at every connect).</summary>
    public string Hash { get; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Payload));
}
