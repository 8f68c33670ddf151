namespace CityBrain.Edge.Buffering;

/// <summary>
/// When the disk buffer forces written data to stable storage (fsync). Acknowledgement records ride along with the
/// next write in every policy; <see cref="DiskReadingBuffer.FlushAsync"/> forces everything out.
/// </summary>
public enum FsyncPolicy
{
    /// <summary>
    /// Group commit (default): appends arriving within <see cref="DiskBufferOptions.GroupCommitWindow"/> of the first
    /// pending one (or until <see cref="DiskBufferOptions.GroupCommitBytes"/> are pending) are written as one write and
    /// covered by one fsync; <c>AppendAsync</c> completes after that fsync. Few, large writes spare SD cards.
    /// </summary>
    GroupCommit = 0,

    /// <summary>
    /// No deliberate delay: every append is written and fsynced before <c>AppendAsync</c> completes. Appends that arrive
    /// while an fsync is running share the next one.
    /// </summary>
    Always = 1,

    /// <summary>
    /// <c>AppendAsync</c> completes once the data is written to the OS; an fsync runs at most every
    /// <see cref="DiskBufferOptions.FsyncInterval"/> while there is unsynced data. A power loss may lose that interval.
    /// </summary>
    Interval = 2,

    /// <summary>Written to the OS only; the kernel decides when it reaches the disk. For tests and throwaway nodes.</summary>
    None = 3,
}
