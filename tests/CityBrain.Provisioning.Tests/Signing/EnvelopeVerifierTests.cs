using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CityBrain.Provisioning.Schemas;
using CityBrain.Provisioning.Signing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Provisioning.Tests.Signing;

/// <summary>The signed envelope: what verifies, what does not and why; the envelope and the node's answer match their schemas.</summary>
public sealed class EnvelopeVerifierTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);
    private static readonly byte[] Config = Encoding.UTF8.GetBytes("{ \"revision\": 7 }");
    private readonly string _trustDir = Directory.CreateTempSubdirectory("trust").FullName;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public EnvelopeVerifierTests() => File.WriteAllText(Path.Combine(_trustDir, "tech.pem"), _key.ExportSubjectPublicKeyInfoPem());

    [Fact]
    public void Verify_SignedByATrustedKey_ReturnsTheConfigurationBytes()
    {
        using var trust = TrustStore.Load(_trustDir);
        byte[]? config = EnvelopeVerifier.Verify(Serialize(ConfigSigner.Sign(Config, "n-01", 7, _key, T0)), "n-01", trust, out var envelope, out string reason);
        Assert.Equal(Config, config);
        Assert.Equal(7, envelope!.Revision);
        Assert.Empty(reason);
    }

    [Fact]
    public void Verify_UnknownKey_IsRefusedNamingTheKey()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var trust = TrustStore.Load(_trustDir);
        Assert.Null(EnvelopeVerifier.Verify(Serialize(ConfigSigner.Sign(Config, "n-01", 7, stranger, T0)), "n-01", trust, out _, out string reason));
        Assert.Contains($"unknown key (keyId {SigningKeys.KeyIdOf(stranger)})", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("revision")]
    [InlineData("config")]
    [InlineData("node")]
    public void Verify_AlteredAfterSigning_IsRefused(string field)
    {
        var signed = ConfigSigner.Sign(Config, "n-01", 7, _key, T0);
        var altered = field switch
        {
            "revision" => signed with { Revision = 8 },
            "config" => signed with { Config = Convert.ToBase64String(Encoding.UTF8.GetBytes("{ \"revision\": 8 }")) },
            _ => signed with { Node = "n-02" },
        };
        using var trust = TrustStore.Load(_trustDir);
        Assert.Null(EnvelopeVerifier.Verify(Serialize(altered), altered.Node, trust, out _, out string reason));
        Assert.Contains("does not verify", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ForAnotherNode_IsRefused()
    {
        using var trust = TrustStore.Load(_trustDir);
        Assert.Null(EnvelopeVerifier.Verify(Serialize(ConfigSigner.Sign(Config, "n-02", 7, _key, T0)), "n-01", trust, out _, out string reason));
        Assert.Contains("signed for node 'n-02'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TrustStore_BadFile_IsReportedAndTrustsNothing()
    {
        File.WriteAllText(Path.Combine(_trustDir, "broken.pem"), "not a key");
        using var trust = TrustStore.Load(_trustDir);
        Assert.Single(trust.KeyIds);
        Assert.Contains(trust.Problems, p => p.Contains("broken.pem", StringComparison.Ordinal));
    }

    [Fact]
    public void EnvelopeAndAnswer_MatchTheirSchemas()
    {
        using var envelope = JsonDocument.Parse(Serialize(ConfigSigner.Sign(Config, "n-01", 7, _key, T0)));
        Assert.Empty(SchemaCheck.Evaluate(EmbeddedSchemas.Get(EmbeddedSchemas.ConfigEnvelope), envelope.RootElement));
        var answer = new ConfigStateMessage { Node = "n-01", Revision = 7, State = ConfigStateMessage.RolledBack, Reason = "broker not connected", Running = 6, Source = ConfigStateMessage.FromPush, Timestamp = T0.ToUnixTimeMilliseconds() };
        using var state = JsonDocument.Parse(ContractJson.Serialize(answer, ContractJsonContext.Default.ConfigStateMessage));
        Assert.Empty(SchemaCheck.Evaluate(EmbeddedSchemas.Get(EmbeddedSchemas.ConfigState), state.RootElement));
    }

    [Fact]
    public void Topics_ConfigState_IsANodeTopic()
    {
        Assert.True(Topics.TryParseNodeTopic("citybrain/v1/harbour/g-0417/n-01/config/state", out var topic, out _));
        Assert.Equal(Topics.ConfigState, topic.Kind);
        Assert.False(Topics.TryParseNodeTopic("citybrain/v1/harbour/g-0417/n-01/config/other", out _, out _));
    }

    private static byte[] Serialize(ConfigEnvelope envelope) => JsonSerializer.SerializeToUtf8Bytes(envelope, SigningJsonContext.Default.ConfigEnvelope);

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_trustDir, recursive: true);
    }
}
