using System.Security.Cryptography;

namespace CityBrain.Provisioning.Signing;

/// <summary>
/// The public keys a node trusts to sign its configuration: every <c>*.pem</c> in a directory
/// (default <c>/etc/citybrain/trust</c>), or one PEM file. Keys are looked up by key id.
/// </summary>
public sealed class TrustStore : IDisposable
{
    public const string DefaultPath = "/etc/citybrain/trust";

    private readonly Dictionary<string, ECDsa> _keys;

    private TrustStore(Dictionary<string, ECDsa> keys, IReadOnlyList<string> problems)
    {
        _keys = keys;
        Problems = problems;
    }

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Files that could not be read as a P-256 public key (logged by the node; they trust nothing).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Loads the keys under <paramref name="path"/>; a missing path gives an empty store (every push is refused).</summary>
    public static TrustStore Load(string path)
    {
        var files = Directory.Exists(path) ? Directory.GetFiles(path, "*.pem").Order(StringComparer.Ordinal).ToArray()
            : File.Exists(path) ? [path] : [];
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (string file in files)
        {
            var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(File.ReadAllText(file));
                if (key.KeySize != 256)
                {
                    throw new CryptographicException($"a {key.KeySize}-bit key, not P-256");
                }

                keys.TryAdd(SigningKeys.KeyIdOf(key), key);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                key.Dispose();
                problems.Add($"{file}: {ex.Message}");
            }
        }

        return new TrustStore(keys, problems);
    }

    public bool TryGet(string keyId, out ECDsa key) => _keys.TryGetValue(keyId, out key!);

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }
}
