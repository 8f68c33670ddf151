using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace CityBrain.Provisioning.Signing;

/// <summary>
/// A node configuration signed for one node and one revision (schema <c>config-envelope.v1</c>): what
/// <c>citybrain push</c> publishes retained on the node's <c>config</c> topic.
/// </summary>
public sealed record ConfigEnvelope
{
    public const string Algorithm = "ES256";

    // `set`, not `init`: see StatusMessage (dotnet/runtime#84484).
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("alg")]
    public string Alg { get; set; } = Algorithm;

    [JsonPropertyName("node")]
    public required string Node { get; init; }

    [JsonPropertyName("revision")]
    public required long Revision { get; init; }

    /// <summary>Unix milliseconds when it was signed.</summary>
    [JsonPropertyName("signedAt")]
    public required long SignedAt { get; init; }

    /// <summary>Which trusted key signed it (<see cref="SigningKeys.KeyIdOf"/>).</summary>
    [JsonPropertyName("keyId")]
    public required string KeyId { get; init; }

    /// <summary>The configuration file, byte for byte, base64.</summary>
    [JsonPropertyName("config")]
    public required string Config { get; init; }

    /// <summary>ECDSA P-256 / SHA-256, IEEE P1363 (r||s), base64, over <see cref="SignedBytes"/>.</summary>
    [JsonPropertyName("signature")]
    public required string Signature { get; init; }

    /// <summary>What the signature covers: a domain tag, the node, the revision, the time and the configuration.</summary>
    public static byte[] SignedBytes(string node, long revision, long signedAt, string configBase64) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"citybrain-config-v1\n{node}\n{revision}\n{signedAt}\n{configBase64}"));
}
