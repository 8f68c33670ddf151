using System.Text.RegularExpressions;
using CityBrain.Testing;
using CityBrain.Testing.Servers;
using MQTTnet;

namespace CityBrain.IntegrationTests.Broker;

/// <summary>
/// Mosquitto loaded with deploy/mosquitto/mosquitto.conf as shipped and the ACL generated from the shipped example
/// registry (deploy/mosquitto/acl, plus the test's own node users in harbour/g-0417: <see cref="ExampleRegistryAcl"/>). Only what cannot be
/// kept is substituted: the two listeners' ports (on loopback), and the certificate, password, ACL and persistence
/// paths (the test's directory, with a CA, a broker certificate and a password file the test makes). Each
/// substitution must match, so a change to the shipped file fails here instead of being silently skipped.
/// </summary>
public sealed partial class ShippedBroker : IAsyncDisposable
{
    public const string Password = "secret-";

    private readonly MosquittoServer _server;

    private ShippedBroker(MosquittoServer server, int plainPort)
    {
        _server = server;
        PlainPort = plainPort;
    }

    /// <summary>The TLS listener (8883 in the shipped file).</summary>
    public int TlsPort => _server.Port;

    /// <summary>The plain loopback listener for local tools (1883 in the shipped file).</summary>
    public int PlainPort { get; }

    /// <summary>The CA certificate (PEM) clients trust.</summary>
    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string Directory => _server.Directory;

    /// <param name="users">User names to put in the password file; each one's password is <see cref="Password"/> + name.</param>
    public static async Task<ShippedBroker> StartAsync(params string[] users)
    {
        string shipped = await File.ReadAllTextAsync(RepoPaths.Combine("deploy", "mosquitto", "mosquitto.conf"));
        int plainPort = FreePort.Get();
        var server = await MosquittoServer.StartCustomAsync(
            async dir =>
            {
                await MosquittoSecurity.WriteCertificatesAsync(dir);
                await File.WriteAllTextAsync(Path.Combine(dir, "acl"), ExampleRegistryAcl.Generate(users));
                foreach (string user in users)
                {
                    await MosquittoSecurity.AddUserAsync(Path.Combine(dir, "passwd"), user, Password + user);
                }

                MosquittoSecurity.MakeReadable(dir);
            },
            (port, dir) => Substitute(shipped, port, plainPort, dir));
        return new ShippedBroker(server, plainPort);
    }

    /// <summary>TLS client options for <paramref name="user"/> asking for <paramref name="clientId"/>.</summary>
    public MqttClientOptionsBuilder Client(string user, string clientId, bool cleanStart = true)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", TlsPort)
            .WithClientId(clientId)
            .WithCleanStart(cleanStart)
            .WithSessionExpiryInterval(cleanStart ? 0u : 3600u)
            .WithTimeout(TimeSpan.FromSeconds(5));
        Secure(builder, user);
        return builder;
    }

    /// <summary>Adds TLS and <paramref name="user"/>'s credentials to a builder (for <c>MqttCollector</c>).</summary>
    public void Secure(MqttClientOptionsBuilder builder, string user) => builder
        .WithCredentials(user, Password + user)
        .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain(MosquittoSecurity.LoadCa(CaFile)).WithRevocationMode(System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck));

    private static string Substitute(string conf, int tlsPort, int plainPort, string dir)
    {
        conf = Replace(conf, TlsListener(), $"listener {tlsPort} 127.0.0.1");
        conf = Replace(conf, PlainListener(), $"listener {plainPort} 127.0.0.1");
        conf = Replace(conf, new Regex(@"/etc/mosquitto/certs/", RegexOptions.None), dir + "/");
        conf = Replace(conf, new Regex(@"^password_file /etc/mosquitto/passwd$", RegexOptions.Multiline), $"password_file {dir}/passwd");
        conf = Replace(conf, new Regex(@"^acl_file /etc/mosquitto/acl$", RegexOptions.Multiline), $"acl_file {dir}/acl");
        return Replace(conf, new Regex(@"^persistence_location /var/lib/mosquitto/$", RegexOptions.Multiline), $"persistence_location {dir}/");
    }

    private static string Replace(string conf, Regex pattern, string replacement) =>
        pattern.IsMatch(conf)
            ? pattern.Replace(conf, replacement.Replace("$", "$$", StringComparison.Ordinal))
            : throw new InvalidOperationException($"deploy/mosquitto/mosquitto.conf has no line matching '{pattern}': update {nameof(ShippedBroker)}");

    [GeneratedRegex(@"^listener 8883$", RegexOptions.Multiline)]
    private static partial Regex TlsListener();

    [GeneratedRegex(@"^listener 1883 127\.0\.0\.1$", RegexOptions.Multiline)]
    private static partial Regex PlainListener();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
