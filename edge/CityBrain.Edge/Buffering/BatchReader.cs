using CityBrain.Sensing;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// Reads a batch's readings back from the segment files: plans which records hold the batch (under the buffer lock),
/// then reads, verifies and decodes them outside it, keeping the last decoded record for the next batch (a batch that
/// ends mid-record continues from the same record). Used by one batch at a time (the buffer serialises reads).
/// </summary>
internal sealed class BatchReader(BufferCore<RecordLocation> core, ILogger logger)
{
    private readonly ReadingRecordDecoder _decoder = new();
    private byte[] _bytes = new byte[64 * 1024];
    private Reading[] _decoded = new Reading[512];
    private Segment? _cachedSegment;
    private long _cachedOffset = -1;

    /// <summary>Sequence numbers of records found unreadable by the last <see cref="ReadAsync"/>.</summary>
    public IntervalSet Unreadable { get; } = new();

    /// <summary>Maps the batch's runs onto records and pins their segments against deletion. Call under the lock.</summary>
    public List<ReadSlice> PlanLocked(LedgerBatch batch)
    {
        BufferLedger<RecordLocation> ledger = core.Ledger;
        var slices = new List<ReadSlice>();
        Segment? previous = null;
        foreach (SeqRun run in batch.Runs)
        {
            long seq = run.Start;
            int index = ledger.IndexOf(seq);
            while (seq < run.End)
            {
                LedgerRecord<RecordLocation> record = ledger.RecordAt(index++);
                long to = Math.Min(run.End, record.End);
                slices.Add(new ReadSlice(record, seq, to));
                seq = to;
                if (record.Payload.Segment != previous)
                {
                    previous = record.Payload.Segment;
                    previous.Readers++;
                }
            }
        }

        return slices;
    }

    public async ValueTask<List<SequencedReading>> ReadAsync(List<ReadSlice> slices, int capacity, CancellationToken cancellationToken)
    {
        Unreadable.Clear();
        var readings = new List<SequencedReading>(capacity);
        foreach (ReadSlice slice in slices)
        {
            LedgerRecord<RecordLocation> record = slice.Record;
            if (!await LoadAsync(record, cancellationToken))
            {
                Unreadable.Add(slice.From, slice.To);
                continue;
            }

            for (long seq = slice.From; seq < slice.To; seq++)
            {
                readings.Add(new SequencedReading(seq, _decoded[seq - record.FirstSeq]));
            }
        }

        return readings;
    }

    /// <summary>The sequence runs of readings in ascending order.</summary>
    public static SeqRun[] RunsOf(List<SequencedReading> readings)
    {
        var runs = new List<SeqRun>();
        int i = 0;
        while (i < readings.Count)
        {
            long start = readings[i].Seq;
            long end = start + 1;
            while (++i < readings.Count && readings[i].Seq == end)
            {
                end++;
            }

            runs.Add(new SeqRun(start, end));
        }

        return [.. runs];
    }

    private async ValueTask<bool> LoadAsync(LedgerRecord<RecordLocation> record, CancellationToken cancellationToken)
    {
        RecordLocation location = record.Payload;
        if (location.Segment == _cachedSegment && location.Offset == _cachedOffset)
        {
            return true;
        }

        _cachedSegment = null;
        if (_bytes.Length < location.Length)
        {
            _bytes = new byte[Math.Max(location.Length, _bytes.Length * 2)];
        }

        Memory<byte> bytes = _bytes.AsMemory(0, location.Length);
        int read = await RandomAccess.ReadAsync(location.Segment.Handle, bytes, location.Offset, cancellationToken);
        string? problem = Verify(bytes.Span[..read], record, out RecordHeader header);
        if (problem is null)
        {
            if (_decoded.Length < record.Count)
            {
                _decoded = new Reading[Math.Max(record.Count, _decoded.Length * 2)];
            }

            try
            {
                _decoder.Decode(bytes.Span.Slice(RecordHeader.Size, header.PayloadLength), record.Count, _decoded);
                _cachedSegment = location.Segment;
                _cachedOffset = location.Offset;
                return true;
            }
            catch (InvalidDataException ex)
            {
                problem = ex.Message;
            }
        }

        logger.LogWarning(
            "Buffer segment {Segment}: record at offset {Offset} (seq {Seq}, {Count} readings) is unreadable ({Problem}); its readings are dropped as corrupt",
            location.Segment.Path, location.Offset, record.FirstSeq, record.Count, problem);
        return false;
    }

    private static string? Verify(ReadOnlySpan<byte> bytes, LedgerRecord<RecordLocation> record, out RecordHeader header)
    {
        if (!RecordHeader.TryRead(bytes, out header))
        {
            return "bad header";
        }

        if (header.Kind != RecordKind.Readings || header.Seq != record.FirstSeq || header.Count != record.Count
            || RecordHeader.Size + header.PayloadLength != bytes.Length)
        {
            return "header does not match the index";
        }

        return Crc32C.Compute(bytes[RecordHeader.Size..]) == header.PayloadCrc ? null : "payload checksum mismatch";
    }
}
