using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// The production set-up on a real Mosquitto: TLS with a private CA, per-node credentials, and the shipped ACL
/// (deploy/mosquitto/acl). A node publishes over TLS; anonymous and plain-TCP clients are refused; a node's
/// credentials cannot publish under another node's topics.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SecureBrokerTests
{
    private const string NodeId = "n-tls-01";
    private const string NodePassword = "node-secret-1";
    private const string HubUser = "citybrain-hub";
    private const string HubPassword = "hub-secret-1";

    private const string Sensors = """
        [ { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 200, "seed": 11 } ]
        """;

    [Fact]
    public async Task TlsCredentialsAndAcl_NodePublishes_StrangersAndForgeriesAreRefused()
    {
        await using var broker = await MosquittoServer.StartCustomAsync(PrepareAsync, (port, dir) => $"""
            per_listener_settings false
            listener {port} 127.0.0.1
            cafile {dir}/ca.pem
            certfile {dir}/broker.pem
            keyfile {dir}/broker.key
            tls_version tlsv1.2
            allow_anonymous false
            password_file {dir}/passwd
            acl_file {dir}/acl
            persistence false
            log_dest stdout
            log_type error
            log_type warning
            log_type notice
            """);
        string ca = Path.Combine(broker.Directory, "ca.pem");
        void Tls(MqttClientOptionsBuilder b, string user, string password) => b
            .WithCredentials(user, password)
            .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain(LoadCa(ca)).WithRevocationMode(X509RevocationMode.NoCheck));

        await using var hub = await MqttCollector.StartAsync(broker.Host, broker.Port, ["citybrain/#"], clientId: "hub-test", configure: b => Tls(b, HubUser, HubPassword));

        string passwordFile = Path.Combine(broker.Directory, "node.password");
        await File.WriteAllTextAsync(passwordFile, NodePassword + "\n");
        await using (var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(broker.Port, Sensors, path, nodeId: NodeId)
            .Replace(
                $"\"mqtt\": {{ \"host\": \"127.0.0.1\", \"port\": {broker.Port},",
                $"\"mqtt\": {{ \"host\": \"127.0.0.1\", \"port\": {broker.Port}, \"username\": \"{NodeId}\", \"passwordFile\": \"{passwordFile}\", \"tls\": {{ \"enabled\": true, \"caFile\": \"{ca}\", \"serverName\": \"localhost\" }},",
                StringComparison.Ordinal)))
        {
            await MqttCollector.WaitUntilAsync(() => hub.OnTopicEndingWith($"/{NodeId}/telemetry").Count >= 3, TimeSpan.FromSeconds(20), "telemetry over TLS with credentials");
            Assert.Contains(hub.OnTopicEndingWith($"/{NodeId}/status"), m => m.Text.Contains("\"online\"", StringComparison.Ordinal));
        }

        // Anonymous over TLS: refused.
        using (var anonymous = new MqttClientFactory().CreateMqttClient())
        {
            var options = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithTimeout(TimeSpan.FromSeconds(5))
                .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain(LoadCa(ca)).WithRevocationMode(X509RevocationMode.NoCheck)).Build();
            MqttClientConnectResult? result = null;
            var refused = await Record.ExceptionAsync(async () => result = await anonymous.ConnectAsync(options));
            Assert.True(refused is not null || result!.ResultCode != MqttClientConnectResultCode.Success, "an anonymous client was let in");
            Assert.False(anonymous.IsConnected);
        }

        // Plain TCP to the TLS listener: no MQTT session.
        using (var plain = new MqttClientFactory().CreateMqttClient())
        {
            var options = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithCredentials(NodeId, NodePassword).WithTimeout(TimeSpan.FromSeconds(3)).Build();
            await Assert.ThrowsAnyAsync<Exception>(() => plain.ConnectAsync(options));
        }

        // A node's credentials cannot forge another node's telemetry: the ACL drops it; its own topic still works.
        using (var rogue = new MqttClientFactory().CreateMqttClient())
        {
            var options = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("rogue").WithTimeout(TimeSpan.FromSeconds(5));
            Tls(options, NodeId, NodePassword);
            await rogue.ConnectAsync(options.Build());
            var forged = await rogue.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("citybrain/v1/harbour/g-0417/n-other/telemetry").WithPayload("forged"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await rogue.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"citybrain/v1/harbour/g-0417/{NodeId}/health").WithPayload("{}"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await MqttCollector.WaitUntilAsync(() => hub.Messages.Any(m => m.Topic.EndsWith($"/{NodeId}/health", StringComparison.Ordinal) && m.Text == "{}"), TimeSpan.FromSeconds(10), "the node's own health topic");
            Assert.DoesNotContain(hub.Messages, m => m.Topic.Contains("n-other", StringComparison.Ordinal));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        }
    }

    private static X509Certificate2Collection LoadCa(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    /// <summary>A private CA, a broker certificate for localhost/127.0.0.1, the password file (mosquitto_passwd) and the shipped ACL.</summary>
    private static async Task PrepareAsync(string dir)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=citybrain-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var caCert = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        using var brokerKey = RSA.Create(2048);
        var brokerRequest = new CertificateRequest("CN=localhost", brokerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        brokerRequest.CertificateExtensions.Add(san.Build());
        brokerRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var brokerCert = brokerRequest.Create(caCert, caCert.NotBefore, caCert.NotAfter.AddHours(-1), [1, 2, 3, 4]);

        await File.WriteAllTextAsync(Path.Combine(dir, "ca.pem"), caCert.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "broker.pem"), brokerCert.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "broker.key"), brokerKey.ExportPkcs8PrivateKeyPem());
        File.Copy(Path.Combine(RepoRoot(), "deploy", "mosquitto", "acl"), Path.Combine(dir, "acl"));

        string passwd = Path.Combine(dir, "passwd");
        await RunAsync("/usr/bin/mosquitto_passwd", "-b", "-c", passwd, NodeId, NodePassword);
        await RunAsync("/usr/bin/mosquitto_passwd", "-b", passwd, HubUser, HubPassword);
        if (!OperatingSystem.IsWindows())
        {
            // mosquitto drops to its own user: it must be able to read what the test (root) wrote.
            foreach (string f in Directory.GetFiles(dir))
            {
                File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"{file} is missing: apt-get install -y mosquitto");
        }

        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(process.ExitCode == 0, $"{file} failed: {await process.StandardError.ReadToEndAsync()}");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CityBrain.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CityBrain.sln not found above " + AppContext.BaseDirectory);
    }
}
