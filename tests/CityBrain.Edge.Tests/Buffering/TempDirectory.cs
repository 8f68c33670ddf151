namespace CityBrain.Edge.Tests.Buffering;

/// <summary>A fresh directory under the temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "citybrain-buffer-" + Guid.NewGuid().ToString("N"));

    /// <summary>Copies the segment files as they are now (what a power cut would leave, after the last fsync).</summary>
    public TempDirectory SnapshotSegments()
    {
        var copy = new TempDirectory();
        foreach (string file in Directory.EnumerateFiles(Path, "*.seg"))
        {
            File.Copy(file, System.IO.Path.Combine(copy.Path, System.IO.Path.GetFileName(file)));
        }

        return copy;
    }

    public string[] Segments()
    {
        string[] files = Directory.GetFiles(Path, "*.seg");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is harmless.
        }
    }
}
