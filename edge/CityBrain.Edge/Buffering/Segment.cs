using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// One append-only segment file, named after the first sequence number written to it (<c>{seq:D20}.seg</c>). Only the
/// newest segment is written; older ones are read until every reading in them is acknowledged or dropped, then deleted.
/// </summary>
/// <remarks>
/// A buffer opened on a read-only filesystem opens its segments read-only (<see cref="Writable"/> false); the newest is
/// reopened for writing once the filesystem accepts writes again (<see cref="ReopenForWrite"/>).
/// </remarks>
internal sealed class Segment(string path, long baseSeq, SafeFileHandle handle, long length, bool writable = true) : IDisposable
{
    /// <summary>The read-only handle replaced by <see cref="ReopenForWrite"/>: a batch read may still be using it.</summary>
    private SafeFileHandle? _replaced;

    public const string Extension = ".seg";

    public string Path { get; } = path;

    public long BaseSeq { get; } = baseSeq;

    public SafeFileHandle Handle { get; private set; } = handle;

    /// <summary>False when opened read-only (the filesystem refused writes at open).</summary>
    public bool Writable { get; private set; } = writable;

    /// <summary>Bytes in the file (the write position for the newest segment).</summary>
    public long Length { get; set; } = length;

    /// <summary>Batch reads in progress; a retired segment is deleted only when this drops to zero. Guarded by the buffer lock.</summary>
    public int Readers { get; set; }

    /// <summary>Dropped from the buffer; delete once no reader holds it. Guarded by the buffer lock.</summary>
    public bool Retired { get; set; }

    public static string FileName(long baseSeq) => baseSeq.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFileName(string fileName, out long baseSeq)
    {
        baseSeq = 0;
        return fileName.EndsWith(Extension, StringComparison.Ordinal)
            && fileName.Length == 20 + Extension.Length
            && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out baseSeq);
    }

    public static Segment Open(string directory, long baseSeq, bool create, bool writable = true)
    {
        string path = System.IO.Path.Combine(directory, FileName(baseSeq));
        SafeFileHandle handle = File.OpenHandle(
            path, create ? FileMode.CreateNew : FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read, FileShare.Read);
        return new Segment(path, baseSeq, handle, RandomAccess.GetLength(handle), writable);
    }

    /// <summary>
    /// Opens the file for writing (throws while the filesystem is still read-only) and cuts off anything past
    /// <see cref="Length"/> (a torn end found at open that could not be truncated then).
    /// </summary>
    public void ReopenForWrite()
    {
        SafeFileHandle handle = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (RandomAccess.GetLength(handle) > Length)
            {
                RandomAccess.SetLength(handle, Length);
            }
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        _replaced = Handle;
        Handle = handle;
        Writable = true;
    }

    /// <summary>Closes and deletes the file.</summary>
    public void Delete()
    {
        Dispose();
        File.Delete(Path);
    }

    public void Dispose()
    {
        Handle.Dispose();
        _replaced?.Dispose();
    }
}
