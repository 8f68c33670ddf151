using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// Scans the segment files at open. Every record is checked (header checksum, payload checksum); a damaged record is
/// skipped and, when its header survived or a later intact record shows the gap, its readings are counted as lost.
/// After unreadable bytes the scan resynchronises on the next valid header. Damage at the end of the newest segment (a
/// torn write) is truncated so appends continue after it. Everything intact is kept.
/// </summary>
internal static class SegmentRecovery
{
    private const int ResyncChunk = 64 * 1024;

    /// <param name="writable">False on a read-only filesystem: segments are opened read-only and a torn end is only
    /// remembered (<see cref="Segment.Length"/>), to be cut off when the segment is reopened for writing.</param>
    public static async ValueTask<RecoveryResult> RecoverAsync(string directory, bool writable, ILogger logger, CancellationToken cancellationToken)
    {
        var result = new RecoveryResult();
        var bases = new List<long>();
        foreach (string file in Directory.EnumerateFiles(directory, "*" + Segment.Extension))
        {
            if (Segment.TryParseFileName(Path.GetFileName(file), out long baseSeq))
            {
                bases.Add(baseSeq);
            }
            else
            {
                logger.LogWarning("Ignoring unexpected file {File} in the buffer directory {Directory}", file, directory);
            }
        }

        bases.Sort();
        var scanner = new Scanner(result, logger);
        for (int i = 0; i < bases.Count; i++)
        {
            Segment segment = Segment.Open(directory, bases[i], create: false, writable);
            result.Segments.Add(segment);
            result.NextSeq = Math.Max(result.NextSeq, segment.BaseSeq);
            await scanner.ScanAsync(segment, isNewest: i == bases.Count - 1, cancellationToken);
        }

        CountLost(result);
        return result;
    }

    /// <summary>Gaps between intact records are lost readings; so are torn records whose header survived.</summary>
    private static void CountLost(RecoveryResult result)
    {
        long expected = result.Segments.Count > 0 ? result.Segments[0].BaseSeq : 0;
        foreach (LedgerRecord<RecordLocation> record in result.Records)
        {
            result.Lost.Add(expected, record.FirstSeq);
            expected = Math.Max(expected, record.End);
        }

        long lost = 0;
        for (int i = 0; i < result.Lost.RunCount; i++)
        {
            SeqRun run = result.Lost[i];
            long start = Math.Max(run.Start, result.TrimHead);
            if (start < run.End)
            {
                lost += run.End - start - result.Acked.CountIn(start, run.End);
            }
        }

        result.CorruptReadings = lost;
    }

    private sealed class Scanner(RecoveryResult result, ILogger logger)
    {
        private readonly byte[] _header = new byte[RecordHeader.Size];
        private byte[] _payload = new byte[64 * 1024];

        public async ValueTask ScanAsync(Segment segment, bool isNewest, CancellationToken cancellationToken)
        {
            long pos = 0;
            long length = segment.Length;
            while (pos < length)
            {
                RecordHeader header = default;
                bool headerOk = length - pos >= RecordHeader.Size
                    && await ReadHeaderAsync(segment, pos, cancellationToken)
                    && RecordHeader.TryRead(_header, out header);
                if (!headerOk)
                {
                    long next = await ResyncAsync(segment, pos + 1, length, cancellationToken);
                    if (next < 0)
                    {
                        EndDamaged(segment, pos, isNewest);
                        return;
                    }

                    logger.LogWarning(
                        "Buffer segment {Segment}: {Bytes} unreadable bytes at offset {Offset} skipped; scanning resumed at the next valid record",
                        segment.Path, next - pos, pos);
                    pos = next;
                    continue;
                }

                long recordEnd = pos + RecordHeader.Size + header.PayloadLength;
                if (recordEnd > length)
                {
                    MarkLost(header);
                    logger.LogWarning(
                        "Buffer segment {Segment}: record at offset {Offset} (seq {Seq}, {Count} readings) is cut short (torn write)",
                        segment.Path, pos, header.Seq, header.Count);
                    EndDamaged(segment, pos, isNewest, counted: true);
                    return;
                }

                if (!await PayloadIntactAsync(segment, pos, header, cancellationToken))
                {
                    MarkLost(header);
                    logger.LogWarning(
                        "Buffer segment {Segment}: record at offset {Offset} (seq {Seq}, {Count} readings) fails its checksum; skipped",
                        segment.Path, pos, header.Seq, header.Count);
                    pos = recordEnd;
                    continue;
                }

                Apply(segment, pos, header);
                pos = recordEnd;
            }
        }

        private void Apply(Segment segment, long pos, RecordHeader header)
        {
            switch (header.Kind)
            {
                case RecordKind.Readings:
                    long expectedFirst = result.Records.Count > 0 ? result.Records[^1].End : long.MinValue;
                    if (header.Seq < expectedFirst)
                    {
                        logger.LogWarning(
                            "Buffer segment {Segment}: record at offset {Offset} repeats seq {Seq} (expected {Expected} or later); skipped",
                            segment.Path, pos, header.Seq, expectedFirst);
                        return;
                    }

                    result.Records.Add(new LedgerRecord<RecordLocation>(
                        header.Seq, header.Count, header.Value, new RecordLocation(segment, pos, RecordHeader.Size + header.PayloadLength)));
                    result.NextSeq = Math.Max(result.NextSeq, header.End);
                    break;
                case RecordKind.Ack:
                    result.Acked.Add(header.Seq, header.Value);
                    result.NextSeq = Math.Max(result.NextSeq, header.Value);
                    break;
                case RecordKind.Trim:
                    result.TrimHead = Math.Max(result.TrimHead, header.Seq);
                    break;
            }
        }

        private void MarkLost(RecordHeader header)
        {
            if (header.Kind == RecordKind.Readings)
            {
                result.Lost.Add(header.Seq, header.End);
                result.NextSeq = Math.Max(result.NextSeq, header.End);
            }
        }

        private void EndDamaged(Segment segment, long pos, bool isNewest, bool counted = false)
        {
            if (!counted)
            {
                result.UncountedDamage++;
                logger.LogWarning(
                    "Buffer segment {Segment}: {Bytes} unreadable bytes at its end (offset {Offset}); the readings in them cannot be counted",
                    segment.Path, segment.Length - pos, pos);
            }

            if (isNewest && !segment.Writable)
            {
                segment.Length = pos;
                logger.LogWarning("Buffer segment {Segment}: read-only; appends will continue at offset {Length}, after the damage", segment.Path, pos);
            }
            else if (isNewest)
            {
                RandomAccess.SetLength(segment.Handle, pos);
                RandomAccess.FlushToDisk(segment.Handle);
                segment.Length = pos;
                logger.LogWarning("Buffer segment {Segment}: truncated to {Length} bytes; appends continue after the damage", segment.Path, pos);
            }
        }

        private async ValueTask<bool> ReadHeaderAsync(Segment segment, long pos, CancellationToken cancellationToken) =>
            await RandomAccess.ReadAsync(segment.Handle, _header, pos, cancellationToken) == RecordHeader.Size;

        private async ValueTask<bool> PayloadIntactAsync(Segment segment, long pos, RecordHeader header, CancellationToken cancellationToken)
        {
            if (_payload.Length < header.PayloadLength)
            {
                _payload = new byte[Math.Max(header.PayloadLength, _payload.Length * 2)];
            }

            Memory<byte> payload = _payload.AsMemory(0, header.PayloadLength);
            int read = await RandomAccess.ReadAsync(segment.Handle, payload, pos + RecordHeader.Size, cancellationToken);
            return read == header.PayloadLength && Crc32C.Compute(payload.Span) == header.PayloadCrc;
        }

        /// <summary>Finds the next offset at or after <paramref name="from"/> holding a valid header; -1 when none.</summary>
        private async ValueTask<long> ResyncAsync(Segment segment, long from, long length, CancellationToken cancellationToken)
        {
            byte[] magic = BitConverter.GetBytes(RecordHeader.Magic);
            if (!BitConverter.IsLittleEndian)
            {
                Array.Reverse(magic);
            }

            var chunk = new byte[ResyncChunk];
            for (long start = from; start + RecordHeader.Size <= length; start += ResyncChunk - RecordHeader.Size)
            {
                int read = await RandomAccess.ReadAsync(segment.Handle, chunk, start, cancellationToken);
                int offset = 0;
                while (offset < read)
                {
                    int hit = chunk.AsSpan(offset, read - offset).IndexOf(magic);
                    if (hit < 0)
                    {
                        break;
                    }

                    long candidate = start + offset + hit;
                    if (await ReadHeaderAsync(segment, candidate, cancellationToken) && RecordHeader.TryRead(_header, out _))
                    {
                        return candidate;
                    }

                    offset += hit + 1;
                }

                if (start + read >= length)
                {
                    break;
                }
            }

            return -1;
        }
    }
}
