using CityBrain.Testing.Servers;

namespace CityBrain.Edge.Tests.Buffering;

/// <summary>The disk buffer's segment files in a test directory (CityBrain.Testing's <see cref="TempDirectory"/>).</summary>
internal static class SegmentFiles
{
    public static TempDirectory NewBufferDirectory() => new("buffer");

    /// <summary>Copies the segment files as they are now (what a power cut would leave, after the last fsync).</summary>
    public static TempDirectory SnapshotSegments(this TempDirectory directory)
    {
        var copy = NewBufferDirectory();
        foreach (string file in Directory.EnumerateFiles(directory.Path, "*.seg"))
        {
            File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        }

        return copy;
    }

    public static string[] Segments(this TempDirectory directory)
    {
        string[] files = Directory.GetFiles(directory.Path, "*.seg");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }
}
