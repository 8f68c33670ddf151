using System.Security.Cryptography;

namespace CityBrain.Provisioning.Signing;

/// <summary>ECDSA P-256 key pairs as PEM files (the BCL's own crypto; nothing custom), and their key ids.</summary>
public static class SigningKeys
{
    /// <summary>Creates <c>NAME.key.pem</c> (PKCS#8, mode 0600) and <c>NAME.pub.pem</c> (SubjectPublicKeyInfo) in <paramref name="directory"/>.</summary>
    /// <returns>The two paths and the key id.</returns>
    public static (string PrivateKeyPath, string PublicKeyPath, string KeyId) CreatePair(string directory, string name, bool overwrite)
    {
        Directory.CreateDirectory(directory);
        string privatePath = Path.Combine(directory, name + ".key.pem");
        string publicPath = Path.Combine(directory, name + ".pub.pem");
        if (!overwrite && (File.Exists(privatePath) || File.Exists(publicPath)))
        {
            throw new IOException($"{privatePath} or {publicPath} exists already; choose another --name or pass --force");
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(privatePath, options))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        }

        File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem());
        return (privatePath, publicPath, KeyIdOf(key));
    }

    /// <summary>Reads a private key PEM (PKCS#8 or SEC1 "EC PRIVATE KEY") of curve P-256.</summary>
    public static ECDsa LoadPrivateKey(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"{path} is a {key.KeySize}-bit key; use a P-256 key (citybrain keys new)");
            }

            _ = key.ExportParameters(includePrivateParameters: true);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>First 16 hex digits of the SHA-256 of the public key's SubjectPublicKeyInfo.</summary>
    public static string KeyIdOf(ECDsa key) =>
        Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
}
