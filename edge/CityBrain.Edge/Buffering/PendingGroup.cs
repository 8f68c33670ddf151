using System.Buffers;
using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// What waits for the writer loop: appended readings (consecutive sequence numbers from <see cref="FirstSeq"/>) and
/// encoded ack/trim markers. One group becomes one readings record (or a few, for big groups), one write and one fsync,
/// so the record's name tables are shared by every append in the group. Guarded by the buffer lock while it is the
/// pending group; owned by the writer while it is being flushed.
/// </summary>
internal sealed class PendingGroup
{
    private const int ShrinkAbove = 4 * 1024 * 1024;

    /// <summary>Rough encoded size of a reading, to end a group-commit window by <see cref="DiskBufferOptions.GroupCommitBytes"/>.</summary>
    public const int EstimatedBytesPerReading = 12;

    private const int ShrinkReadingsAbove = 256 * 1024;

    /// <summary>Readings appended to this group, in sequence order.</summary>
    public List<Reading> Readings { get; private set; } = new(1024);

    /// <summary>Sequence number of <c>Readings[0]</c>.</summary>
    public long FirstSeq { get; set; }

    /// <summary>When <c>Readings[0]</c> was appended (Unix ms): the record's append time (lanes, expiry).</summary>
    public long ReadingsAppendMs { get; set; }

    /// <summary>Encoded ack and trim markers.</summary>
    public ArrayBufferWriter<byte> Bytes { get; private set; } = new(4 * 1024);

    /// <summary>The markers in <see cref="Bytes"/>.</summary>
    public List<PendingRecord> Records { get; } = [];

    public long EstimatedBytes => ((long)Readings.Count * EstimatedBytesPerReading) + Bytes.WrittenCount;

    /// <summary>Completes when the group is as durable as the fsync policy promises (faults with the I/O error).</summary>
    public TaskCompletionSource Done { get; private set; } = NewDone();

    /// <summary>When the first record was added (Unix ms), to time the group-commit window.</summary>
    public long StartMs { get; set; }

    /// <summary>Set by <see cref="DiskReadingBuffer.FlushAsync"/> and at dispose: write now and fsync whatever the policy.</summary>
    public bool ForceSync { get; set; }

    public bool IsEmpty => Readings.Count == 0 && Records.Count == 0;

    public bool HasWork => !IsEmpty || ForceSync;

    public void Reset()
    {
        if (Bytes.Capacity > ShrinkAbove)
        {
            Bytes = new ArrayBufferWriter<byte>(4 * 1024);
        }
        else
        {
            Bytes.ResetWrittenCount();
        }

        if (Readings.Capacity > ShrinkReadingsAbove)
        {
            Readings = new List<Reading>(1024);
        }
        else
        {
            Readings.Clear();
        }

        Records.Clear();
        ForceSync = false;
        Done = NewDone();
    }

    private static TaskCompletionSource NewDone() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
