using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// One append-only segment file, named after the first sequence number written to it (<c>{seq:D20}.seg</c>). Only the
/// newest segment is written; older ones are read until every reading in them is acknowledged or dropped, then deleted.
/// </summary>
internal sealed class Segment(string path, long baseSeq, SafeFileHandle handle, long length) : IDisposable
{
    public const string Extension = ".seg";

    public string Path { get; } = path;

    public long BaseSeq { get; } = baseSeq;

    public SafeFileHandle Handle { get; } = handle;

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

    public static Segment Open(string directory, long baseSeq, bool create)
    {
        string path = System.IO.Path.Combine(directory, FileName(baseSeq));
        SafeFileHandle handle = File.OpenHandle(path, create ? FileMode.CreateNew : FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        return new Segment(path, baseSeq, handle, RandomAccess.GetLength(handle));
    }

    /// <summary>Closes and deletes the file.</summary>
    public void Delete()
    {
        Handle.Dispose();
        File.Delete(Path);
    }

    public void Dispose() => Handle.Dispose();
}
