using System.Security.Cryptography;
using System.Text.Json;

namespace CityBrain.Provisioning.Signing;

/// <summary>
/// Checks a pushed envelope before anything else looks at its content: well-formed, for this node, signed by a trusted
/// key, and naming the same node and revision as the configuration inside (checked by the caller after parsing).
/// </summary>
public static class EnvelopeVerifier
{
    /// <summary>Returns the configuration bytes, or null with the reason in <paramref name="reason"/>.</summary>
    public static byte[]? Verify(ReadOnlySpan<byte> payload, string nodeId, TrustStore trust, out ConfigEnvelope? envelope, out string reason)
    {
        ArgumentNullException.ThrowIfNull(trust);
        envelope = null;
        try
        {
            envelope = JsonSerializer.Deserialize(payload, SigningJsonContext.Default.ConfigEnvelope);
        }
        catch (JsonException ex)
        {
            reason = $"not a signed configuration envelope (config-envelope.v1): {ex.Message}";
            return null;
        }

        if (envelope is null || envelope.Version != 1 || envelope.Alg != ConfigEnvelope.Algorithm)
        {
            reason = $"unsupported envelope (v {envelope?.Version}, alg {envelope?.Alg}); expected v 1, alg {ConfigEnvelope.Algorithm}";
            return null;
        }

        if (envelope.Node != nodeId)
        {
            reason = $"signed for node '{envelope.Node}', this is '{nodeId}'";
            return null;
        }

        if (!trust.TryGet(envelope.KeyId, out var key))
        {
            reason = $"signed with an unknown key (keyId {envelope.KeyId}); this node trusts {(trust.KeyIds.Count == 0 ? "no key (empty trust directory)" : string.Join(", ", trust.KeyIds))}";
            return null;
        }

        byte[] config;
        byte[] signature;
        try
        {
            config = Convert.FromBase64String(envelope.Config);
            signature = Convert.FromBase64String(envelope.Signature);
        }
        catch (FormatException)
        {
            reason = "config or signature is not valid base64";
            return null;
        }

        if (!key.VerifyData(ConfigEnvelope.SignedBytes(envelope.Node, envelope.Revision, envelope.SignedAt, envelope.Config), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            reason = $"the signature does not verify against key {envelope.KeyId} (altered in transit, or signed by another key)";
            return null;
        }

        reason = string.Empty;
        return config;
    }
}
