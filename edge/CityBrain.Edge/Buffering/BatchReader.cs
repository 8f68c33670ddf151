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
    private int _cachedCount;
    private readonly IntervalSet _blockBad = new();

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
                if (record.Payload.Segment is { } segment && segment != previous)
                {
                    previous = segment;
                    segment.Readers++;
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
            LedgerRecord<RecordLocation> entry = slice.Record;
            if (entry.Payload.Held is { } held)
            {
                for (long seq = slice.From; seq < slice.To; seq++)
                {
                    readings.Add(new SequencedReading(seq, held[seq - entry.FirstSeq]));
                }

                continue;
            }

            await LoadAsync(entry, cancellationToken);
            for (long seq = slice.From; seq < slice.To; seq++)
            {
                if (_blockBad.RunCount > 0 && _blockBad.EndOfRunContaining(seq) >= 0)
                {
                    Unreadable.Add(seq, seq + 1);
                }
                else
                {
                    readings.Add(new SequencedReading(seq, _decoded[seq - entry.FirstSeq]));
                }
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

    /// <summary>
    /// Reads and decodes an index entry (one record, or a block of records back to back); sequence numbers of records
    /// that fail their checks are left in <see cref="_blockBad"/>.
    /// </summary>
    private async ValueTask LoadAsync(LedgerRecord<RecordLocation> entry, CancellationToken cancellationToken)
    {
        RecordLocation location = entry.Payload;
        Segment segment = location.Segment!;
        if (segment == _cachedSegment && location.Offset == _cachedOffset && entry.Count == _cachedCount)
        {
            return;
        }

        _cachedSegment = null;
        _blockBad.Clear();
        if (_bytes.Length < location.Length)
        {
            _bytes = new byte[Math.Max(location.Length, _bytes.Length * 2)];
        }

        if (_decoded.Length < entry.Count)
        {
            _decoded = new Reading[Math.Max(entry.Count, _decoded.Length * 2)];
        }

        int read = await RandomAccess.ReadAsync(segment.Handle, _bytes.AsMemory(0, location.Length), location.Offset, cancellationToken);
        DecodeBlock(_bytes.AsSpan(0, read), entry);
        _cachedSegment = segment;
        _cachedOffset = location.Offset;
        _cachedCount = entry.Count;
    }

    private void DecodeBlock(ReadOnlySpan<byte> bytes, LedgerRecord<RecordLocation> entry)
    {
        int pos = 0;
        long expected = entry.FirstSeq;
        while (expected < entry.End)
        {
            if (!RecordHeader.TryRead(bytes[pos..], out RecordHeader header) || header.Kind != RecordKind.Readings
                || header.Seq != expected || header.End > entry.End || RecordHeader.Size + header.PayloadLength > bytes.Length - pos)
            {
                Report(entry, expected, pos, "bad or unexpected record header");
                _blockBad.Add(expected, entry.End);
                return;
            }

            ReadOnlySpan<byte> payload = bytes.Slice(pos + RecordHeader.Size, header.PayloadLength);
            string? problem = null;
            if (Crc32C.Compute(payload) != header.PayloadCrc)
            {
                problem = "payload checksum mismatch";
            }
            else
            {
                try
                {
                    _decoder.Decode(payload, header.Count, _decoded.AsSpan((int)(header.Seq - entry.FirstSeq), header.Count));
                }
                catch (InvalidDataException ex)
                {
                    problem = ex.Message;
                }
            }

            if (problem is not null)
            {
                Report(entry, header.Seq, pos, problem);
                _blockBad.Add(header.Seq, header.End);
            }

            expected = header.End;
            pos += RecordHeader.Size + header.PayloadLength;
        }
    }

    private void Report(LedgerRecord<RecordLocation> entry, long seq, int pos, string problem) => logger.LogWarning(
        "Buffer segment {Segment}: record at offset {Offset} (from seq {Seq}) is unreadable ({Problem}); its readings are dropped as corrupt",
        entry.Payload.Segment?.Path, entry.Payload.Offset + pos, seq, problem);
}
