using System.Runtime.InteropServices;

namespace CityBrain.Sensing.Hardware;

/// <summary>
/// A small crash-safe store for values that must survive a restart (pulse counts, a counter's last reading): each
/// entry is one file, replaced atomically (write a temp file, fsync it, rename it over the old one, fsync the
/// directory), so after a crash or power cut an entry holds either its old or its new content, never a torn mix.
/// Not for high rates: every save is two fsyncs.
/// </summary>
public sealed partial class DurableStateStore
{
    private readonly string _directory;

    public DurableStateStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
    }

    public string Directory => _directory;

    /// <summary>Replaces entry <paramref name="name"/> with <paramref name="content"/>, durably.</summary>
    public async Task SaveAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        string path = PathOf(name);
        System.IO.Directory.CreateDirectory(_directory);
        string temp = path + ".tmp";
        var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous });
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(_directory);
    }

    /// <summary>The entry's content, or null when it was never saved.</summary>
    public async Task<byte[]?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        string path = PathOf(name);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string PathOf(string name)
    {
        if (string.IsNullOrEmpty(name) || name.AsSpan().IndexOfAny(['/', '\\', '\0']) >= 0 || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a plain file name", nameof(name));
        }

        return Path.Combine(_directory, name);
    }

    /// <summary>Makes a rename in <paramref name="directory"/> durable (POSIX: fsync the directory itself).</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = Open(directory, ReadOnlyDirectory);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private const int ReadOnlyDirectory = 0; // O_RDONLY: opens a directory on Linux (O_DIRECTORY's value differs by architecture)

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
