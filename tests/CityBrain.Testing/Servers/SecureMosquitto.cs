using System.Security.Cryptography.X509Certificates;

namespace CityBrain.Testing.Servers;

/// <summary>
/// The production broker set-up on a real Mosquitto: TLS with a private CA (a broker certificate for
/// localhost/127.0.0.1), password file made with mosquitto_passwd for the given users, and the ACL generated from the
/// shipped example registry (deploy/grids.example.json, whose output is deploy/mosquitto/acl), with every user the
/// registry does not name registered as a node of harbour/g-0417 (<see cref="ExampleRegistryAcl"/>). <see cref="CaFile"/> is what clients trust.
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

    public static X509Certificate2Collection LoadCa(string path) => MosquittoSecurity.LoadCa(path);

    /// <summary>A private CA, a broker certificate for localhost/127.0.0.1, the password file (mosquitto_passwd) and the generated ACL.</summary>
    public static async Task PrepareAsync(string dir, IReadOnlyDictionary<string, string> users)
    {
        await MosquittoSecurity.WriteCertificatesAsync(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "acl"), ExampleRegistryAcl.Generate(users.Keys));
        string passwd = Path.Combine(dir, "passwd");
        foreach (var (user, password) in users)
        {
            await MosquittoSecurity.AddUserAsync(passwd, user, password);
        }

        MosquittoSecurity.MakeReadable(dir);
    }
}
