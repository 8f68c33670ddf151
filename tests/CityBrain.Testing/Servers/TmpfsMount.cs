using System.Diagnostics;

namespace CityBrain.Testing.Servers;

/// <summary>
/// A small tmpfs mounted on a fresh directory (root only: CI runs as root), to give the code under test a real
/// filesystem that fills up (ENOSPC) or turns read-only (EROFS). Unmounted and removed on dispose.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private readonly TempDirectory _dir;

    private TmpfsMount(TempDirectory dir) => _dir = dir;

    /// <summary>The mount point.</summary>
    public string Path => _dir.Path;

    public static TmpfsMount Mount(string prefix, string size)
    {
        var dir = new TempDirectory(prefix);
        try
        {
            Run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.Path);
        }
        catch
        {
            dir.Dispose();
            throw;
        }

        return new TmpfsMount(dir);
    }

    /// <summary>Remounts read-only (writes fail with EROFS) or read-write again.</summary>
    public void Remount(bool readOnly) => Run("mount", "-o", readOnly ? "remount,ro" : "remount,rw", Path);

    /// <summary>Writes a file of zeros until the filesystem is full (ENOSPC); returns its path and bytes written.</summary>
    public (string File, long Bytes) Fill()
    {
        string file = System.IO.Path.Combine(Path, "filler");
        var chunk = new byte[16 * 1024];
        long written = 0;
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                stream.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: full. Smaller writes take the last pages.
            try
            {
                while (true)
                {
                    stream.Write(chunk.AsSpan(0, 512));
                    written += 512;
                }
            }
            catch (IOException)
            {
            }
        }

        return (file, written);
    }

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
        }
        catch (InvalidOperationException)
        {
        }

        _dir.Dispose();
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit(TimeSpan.FromSeconds(10));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()}");
        }
    }
}
