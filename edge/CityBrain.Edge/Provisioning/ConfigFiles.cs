using System.Text;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Edge.Provisioning;

/// <summary>
/// The node's configuration files, each replaced atomically (<see cref="DurableStateStore"/>: temp file, fsync, rename,
/// directory fsync): <c>node.json</c> (what runs), <c>node.json.last-good</c> (what ran before the last change) and
/// <c>node.json.answered</c> (the hash of the last configuration answered, so a retained push is not re-applied at
/// every connect or restart).
/// </summary>
internal sealed class ConfigFiles
{
    private readonly DurableStateStore _store;
    private readonly string _name;

    public ConfigFiles(string configPath)
    {
        string full = Path.GetFullPath(configPath);
        FullPath = full;
        _name = Path.GetFileName(full);
        _store = new DurableStateStore(Path.GetDirectoryName(full)!);
    }

    public string FullPath { get; }

    public string LastGoodPath => FullPath + ".last-good";

    public Task WriteRunningAsync(byte[] content, CancellationToken cancellationToken) => _store.SaveAsync(_name, content, cancellationToken);

    public Task WriteLastGoodAsync(byte[] content, CancellationToken cancellationToken) => _store.SaveAsync(_name + ".last-good", content, cancellationToken);

    public Task<byte[]?> ReadRunningAsync(CancellationToken cancellationToken) => _store.LoadAsync(_name, cancellationToken);

    public async Task<string?> ReadAnsweredAsync(CancellationToken cancellationToken) =>
        await _store.LoadAsync(_name + ".answered", cancellationToken).ConfigureAwait(false) is { } bytes ? Encoding.ASCII.GetString(bytes).Trim() : null;

    public Task WriteAnsweredAsync(string hash, CancellationToken cancellationToken) =>
        _store.SaveAsync(_name + ".answered", Encoding.ASCII.GetBytes(hash), cancellationToken);

    /// <summary>
    /// Tells whether the file changed (not a security check): a non-cryptographic hash, so a node whose OS lacks a usable
    /// libssl still starts (OpenSSL is needed only when a signed push arrives).
    /// </summary>
    public static string HashOf(byte[] content) => System.IO.Hashing.XxHash3.HashToUInt64(content).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
