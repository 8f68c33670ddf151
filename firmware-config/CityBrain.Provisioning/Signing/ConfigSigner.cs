using System.Security.Cryptography;

namespace CityBrain.Provisioning.Signing;

/// <summary>Signs a node configuration for its node and revision (<see cref="ConfigEnvelope"/>).</summary>
public static class ConfigSigner
{
    public static ConfigEnvelope Sign(ReadOnlySpan<byte> configuration, string node, long revision, ECDsa key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        string config = Convert.ToBase64String(configuration);
        long signedAt = now.ToUnixTimeMilliseconds();
        byte[] signature = key.SignData(ConfigEnvelope.SignedBytes(node, revision, signedAt, config), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new ConfigEnvelope
        {
            Node = node,
            Revision = revision,
            SignedAt = signedAt,
            KeyId = SigningKeys.KeyIdOf(key),
            Config = config,
            Signature = Convert.ToBase64String(signature),
        };
    }
}
