namespace CityBrain.Edge.Buffering;

/// <summary>Why readings left a buffer without being acknowledged; the <c>reason</c> tag of the dropped counter.</summary>
internal enum DropReason
{
    Overflow,
    Expired,
    Corrupt,

    /// <summary>Storage refused the write (disk full, read-only) and the memory overflow was full: <c>disk_full</c>.</summary>
    DiskFull,
}
