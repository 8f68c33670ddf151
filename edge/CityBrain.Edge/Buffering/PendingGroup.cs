using System.Buffers;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// Records encoded but not yet written: one group becomes one write (and one fsync) of the writer loop. Guarded by the
/// buffer lock while it is the pending group; owned by the writer while it is being flushed.
/// </summary>
internal sealed class PendingGroup
{
    private const int ShrinkAbove = 4 * 1024 * 1024;

    public ArrayBufferWriter<byte> Bytes { get; private set; } = new(64 * 1024);

    public List<PendingRecord> Records { get; } = [];

    /// <summary>Completes when the group is as durable as the fsync policy promises (faults with the I/O error).</summary>
    public TaskCompletionSource Done { get; private set; } = NewDone();

    /// <summary>When the first record was added (Unix ms), to time the group-commit window.</summary>
    public long StartMs { get; set; }

    /// <summary>Set by <see cref="DiskReadingBuffer.FlushAsync"/> and at dispose: write now and fsync whatever the policy.</summary>
    public bool ForceSync { get; set; }

    public bool IsEmpty => Records.Count == 0;

    public bool HasWork => Records.Count > 0 || ForceSync;

    public void Reset()
    {
        if (Bytes.Capacity > ShrinkAbove)
        {
            Bytes = new ArrayBufferWriter<byte>(64 * 1024);
        }
        else
        {
            Bytes.ResetWrittenCount();
        }

        Records.Clear();
        ForceSync = false;
        Done = NewDone();
    }

    private static TaskCompletionSource NewDone() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
