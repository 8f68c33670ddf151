using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CityBrain.Testing.Servers;

/// <summary>
/// What a secured Mosquitto needs, made by the test in the broker's directory: a private CA and a broker certificate for
/// localhost/127.0.0.1 (<c>ca.pem</c>, <c>broker.pem</c>, <c>broker.key</c>), a password file (mosquitto_passwd), and
/// file modes the broker (which drops to its own user) can read.
/// </summary>
public static class MosquittoSecurity
{
    public const string PasswdTool = "/usr/bin/mosquitto_passwd";

    public static async Task WriteCertificatesAsync(string dir)
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
    }

    public static X509Certificate2Collection LoadCa(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    /// <summary>Adds <paramref name="user"/> to the password file (creating it when missing).</summary>
    public static async Task AddUserAsync(string passwdFile, string user, string password)
    {
        if (!File.Exists(PasswdTool))
        {
            throw new InvalidOperationException($"{PasswdTool} is missing: apt-get install -y mosquitto");
        }

        string[] args = File.Exists(passwdFile) ? ["-b", passwdFile, user, password] : ["-b", "-c", passwdFile, user, password];
        using var process = Process.Start(new ProcessStartInfo(PasswdTool, args) { RedirectStandardError = true, UseShellExecute = false })!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{PasswdTool} failed: {await process.StandardError.ReadToEndAsync()}");
        }
    }

    /// <summary>Makes every file in <paramref name="dir"/> readable by the broker, which drops from root to its own user.</summary>
    public static void MakeReadable(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (string f in Directory.GetFiles(dir))
        {
            File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }
}
