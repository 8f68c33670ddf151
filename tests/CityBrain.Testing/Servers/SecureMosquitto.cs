using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CityBrain.Testing.Servers;

/// <summary>
/// The production broker set-up on a real Mosquitto: TLS with a private CA (a broker certificate for
/// localhost/127.0.0.1), password file made with mosquitto_passwd for the given users, and the shipped ACL
/// (deploy/mosquitto/acl). <see cref="CaFile"/> is what clients trust.
/// </summary>
public static class SecureMosquitto
{
    /// <summary>The CA certificate (PEM) in the broker's directory.</summary>
    public static string CaFile(MosquittoServer broker) => Path.Combine(broker.Directory, "ca.pem");

    /// <param name="users">User name → password.</param>
    public static Task<MosquittoServer> StartAsync(IReadOnlyDictionary<string, string> users) =>
        MosquittoServer.StartCustomAsync(dir => PrepareAsync(dir, users), (port, dir) => $"""
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

    public static X509Certificate2Collection LoadCa(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    /// <summary>A private CA, a broker certificate for localhost/127.0.0.1, the password file (mosquitto_passwd) and the shipped ACL.</summary>
    public static async Task PrepareAsync(string dir, IReadOnlyDictionary<string, string> users)
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
        File.Copy(RepoPaths.Combine("deploy", "mosquitto", "acl"), Path.Combine(dir, "acl"));

        string passwd = Path.Combine(dir, "passwd");
        bool first = true;
        foreach (var (user, password) in users)
        {
            await RunAsync("/usr/bin/mosquitto_passwd", first ? ["-b", "-c", passwd, user, password] : ["-b", passwd, user, password]);
            first = false;
        }

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
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {await process.StandardError.ReadToEndAsync()}");
        }
    }
}
