using System.Text.Json;

namespace CityBrain.Hub.Health;

/// <summary>
/// Reads and writes <see cref="HealthSnapshotFile"/>: written to a temporary file beside the target, flushed, then
/// renamed over it, so a crash leaves either the old snapshot or the new one, never half of one.
/// </summary>
public sealed class HealthSnapshotStore(string path)
{
    /// <summary>Largest snapshot read back (a larger file is refused rather than exhausting memory).</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    public string Path { get; } = path;

    public async Task SaveAsync(HealthSnapshotFile snapshot, CancellationToken cancellationToken)
    {
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        string temp = Path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(stream, snapshot, HubJsonContext.Default.HealthSnapshotFile, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>The saved snapshot, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The file is not a snapshot this version can read.</exception>
    public async Task<HealthSnapshotFile?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var info = new FileInfo(Path);
        if (info.Length > MaxBytes)
        {
            throw new InvalidDataException($"Health snapshot '{Path}' is {info.Length} bytes, above the {MaxBytes} byte limit; delete it to start empty.");
        }

        await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        HealthSnapshotFile? file;
        try
        {
            file = await JsonSerializer.DeserializeAsync(stream, HubJsonContext.Default.HealthSnapshotFile, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Health snapshot '{Path}' is not valid JSON ({ex.Message}); delete it to start empty.", ex);
        }

        if (file is null || file.V != HealthSnapshotFile.CurrentVersion)
        {
            throw new InvalidDataException($"Health snapshot '{Path}' has version {file?.V.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, expected {HealthSnapshotFile.CurrentVersion}; delete it to start empty.");
        }

        return file;
    }
}
