using System.Buffers;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// A durable <see cref="IReadingBuffer"/> on local disk: append-only segment files of checksummed records (see
/// <see cref="RecordHeader"/> and <see cref="ReadingRecordEncoder"/>), acknowledgements and trims persisted as small
/// records in the same stream, bounded by bytes (whole oldest segment dropped) and age, recovered at open.
/// </summary>
/// <remarks>
/// <para>Durability: <see cref="AppendAsync"/> completes as <see cref="DiskBufferOptions.FsyncPolicy"/> promises; readings
/// become visible to <see cref="BeginBatchAsync"/> only at that point, so nothing is published that a crash could
/// still take back. <see cref="EndBatchAsync"/> returns once the ack is queued; it is written with the next group (at
/// most one group-commit window later) and fsynced per policy. A crash before that replays those readings once more
/// (identical duplicates, which the hub's idempotent write absorbs); <see cref="FlushAsync"/> forces everything out.</para>
/// <para>Storage that refuses writes (disk full, read-only filesystem, I/O error): the group that failed is cut off the
/// file again and its readings are held in memory under their sequence numbers (degraded mode, <see
/// cref="BufferStates.Degraded"/> in the stats): they are still published, and every later group tries the disk again, so
/// the buffer recovers by itself once a write succeeds. Held readings are bounded by
/// <see cref="DiskBufferOptions.MaxHeldReadings"/>; a group beyond it is dropped and counted as <c>disk_full</c>. A buffer
/// opened on a read-only filesystem starts degraded (its segments read-only) instead of failing. What is held is lost if
/// the process stops before the disk accepts writes again (logged; the next open counts it as corrupt when later records
/// show the gap).</para>
/// <para>Memory: only a small index and one decoded block are held: an entry (about 48 bytes) per group-commit record
/// while in the live lane, then per block of back-to-back records (up to 64 KiB, one minute of appends);
/// batches are read back from the segment files (page cache for the newest).</para>
/// <para>Thread-safety: any number of producers may append concurrently with one consumer beginning and ending batches.
/// One lock guards the bookkeeping (appends copy their readings into the pending group under it); encoding, file
/// writes and fsyncs happen on one writer loop outside it,
/// batch reads outside it too (concurrent <see cref="BeginBatchAsync"/> calls are serialised).</para>
/// </remarks>
public sealed class DiskReadingBuffer : IReadingBuffer
{
    private const string LockFileName = "buffer.lock";

    private readonly DiskBufferOptions _options;
    private readonly ILogger _logger;
    private readonly BufferCore<RecordLocation> _core;
    private readonly List<Segment> _segments;
    private readonly FileStream? _lockFile;
    /// <summary>Bounds a record's decode buffer (about 200 KiB of readings).</summary>
    private const int MaxReadingsPerRecord = 4096;

    private readonly ReadingRecordEncoder _encoder = new();
    private readonly List<PendingRecord> _records = [];
    private readonly TimeProvider _time;
    private readonly long _windowMs;
    private readonly long _intervalMs;
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private readonly BatchReader _reader;
    private readonly Task _writer;
    private ArrayBufferWriter<byte> _encoded = new(64 * 1024);
    private readonly int _maxPendingReadings;
    private readonly Queue<WaitingAppend> _waiting = new();
    private readonly int _maxHeldReadings;

    /// <summary>Sequence ranges held in memory (merged when adjacent); guarded by the lock.</summary>
    private readonly List<SeqRun> _heldRuns = [];

    /// <summary>Why storage refuses writes, while it does (degraded mode); guarded by the lock.</summary>
    private string? _storageProblem;
    private PendingGroup _pending = new();
    private PendingGroup _spare = new();
    private TaskCompletionSource? _wake;
    private long _totalBytes;
    private long _fsyncs;
    private long _lastFsyncMs;
    private bool _dirty;
    private bool _disposing;

    private DiskReadingBuffer(
        DiskBufferOptions options,
        TimeProvider time,
        ILogger logger,
        IMeterFactory? meterFactory,
        FileStream? lockFile,
        RecoveryResult recovered,
        bool writable)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _lockFile = lockFile;
        _windowMs = options.FsyncPolicy == FsyncPolicy.GroupCommit ? (long)options.GroupCommitWindow.TotalMilliseconds : 0;
        _intervalMs = (long)options.FsyncInterval.TotalMilliseconds;
        _maxPendingReadings = Math.Max(16 * 1024, 4 * options.GroupCommitBytes / PendingGroup.EstimatedBytesPerReading);
        _maxHeldReadings = options.MaxHeldReadings;
        if (!writable)
        {
            _storageProblem = $"{options.Directory} is read-only";
        }

        _segments = recovered.Segments;
        long head = _segments.Count > 0 ? _segments[0].BaseSeq : 0;
        _core = new BufferCore<RecordLocation>(
            "disk", head, options.LiveWindow, options.MaxAge, options.EarliestPlausibleTime, time, meterFactory, GetStats);
        _core.NextSeq = recovered.NextSeq;
        _reader = new BatchReader(_core, logger);
        Restore(recovered);
        _lastFsyncMs = _core.NowMs;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Entries in the in-memory index (records in the live lane, blocks of records behind it).</summary>
    public int IndexEntries
    {
        get
        {
            lock (_core.Gate)
            {
                return _core.Ledger.RecordCount;
            }
        }
    }

    /// <summary>How many fsyncs the buffer issued (SD-card wear and the fsync policy at work).</summary>
    public long FsyncCount => Interlocked.Read(ref _fsyncs);

    /// <summary>
    /// Opens (creating if needed) the buffer in <see cref="DiskBufferOptions.Directory"/>, recovering what is there.
    /// Damage is skipped, logged as a warning and counted in <see cref="BufferStats.DroppedCorrupt"/>.
    /// </summary>
    public static async ValueTask<DiskReadingBuffer> OpenAsync(
        DiskBufferOptions options,
        TimeProvider timeProvider,
        ILogger<DiskReadingBuffer> logger,
        IMeterFactory? meterFactory = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        bool writable = TryCreateDirectory(options.Directory, logger);
        FileStream? lockFile = writable ? OpenLockFile(options.Directory, ref writable) : null;
        if (!writable)
        {
            logger.LogCritical(
                "Disk buffer {Directory} is on a read-only filesystem: starting degraded, new readings are held in memory (at most {Max}) until it is writable again",
                options.Directory, options.MaxHeldReadings);
        }

        try
        {
            RecoveryResult recovered = Directory.Exists(options.Directory)
                ? await SegmentRecovery.RecoverAsync(options.Directory, writable, logger, cancellationToken)
                : new RecoveryResult();
            return new DiskReadingBuffer(options, timeProvider, logger, meterFactory, lockFile, recovered, writable);
        }
        catch
        {
            if (lockFile is not null)
            {
                await lockFile.DisposeAsync();
            }

            throw;
        }
    }

    public ValueTask AppendAsync(IReadOnlyList<Reading> readings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int count = readings.Count;
        if (count == 0)
        {
            return ValueTask.CompletedTask;
        }

        Task<Task> admitted;
        lock (_core.Gate)
        {
            ObjectDisposedException.ThrowIf(_disposing, this);
            if (_waiting.Count == 0 && (_pending.Readings.Count == 0 || _pending.Readings.Count + count <= _maxPendingReadings))
            {
                return new ValueTask(AddToPendingLocked(readings).WaitAsync(cancellationToken));
            }

            // Bounded: the writer is behind (e.g. a stalled SD card). Queue a copy, in call order; the writer admits
            // it when the group in progress is written. Cancelling abandons the wait, not the append.
            var waiting = new WaitingAppend([.. readings]);
            _waiting.Enqueue(waiting);
            admitted = waiting.Admitted.Task;
        }

        return WaitForAdmissionAsync(admitted, cancellationToken);
    }

    private static async ValueTask WaitForAdmissionAsync(Task<Task> admitted, CancellationToken cancellationToken)
    {
        Task done = await admitted.WaitAsync(cancellationToken);
        await done.WaitAsync(cancellationToken);
    }

    /// <summary>Moves queued appends into the pending group, in order, while they fit.</summary>
    private void AdmitWaitingLocked()
    {
        while (_waiting.TryPeek(out WaitingAppend? next)
            && (_pending.Readings.Count == 0 || _pending.Readings.Count + next.Readings.Length <= _maxPendingReadings))
        {
            _waiting.Dequeue();
            next.Admitted.TrySetResult(AddToPendingLocked(next.Readings));
        }
    }

    private Task AddToPendingLocked(IReadOnlyList<Reading> readings)
    {
        int count = readings.Count;
        long nowMs = _core.NowMs;
        PendingGroup group = StartRecordLocked(nowMs);
        long first = _core.AssignLocked(count);
        if (group.Readings.Count == 0)
        {
            group.FirstSeq = first;
            group.ReadingsAppendMs = nowMs;
        }

        long before = group.EstimatedBytes;
        if (readings is ICollection<Reading> collection)
        {
            group.Readings.AddRange(collection);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                group.Readings.Add(readings[i]);
            }
        }

        if (before < _options.GroupCommitBytes && group.EstimatedBytes >= _options.GroupCommitBytes)
        {
            WakeWriterLocked();
        }

        return group.Done.Task;
    }

    public async ValueTask<BufferBatch> BeginBatchAsync(BufferLane lane, int maxReadings, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxReadings);
        await _readGate.WaitAsync(cancellationToken);
        try
        {
            List<ReadSlice> slices;
            LedgerBatch? selected;
            lock (_core.Gate)
            {
                ObjectDisposedException.ThrowIf(_disposing, this);
                ExpireLocked(_core.NowMs);
                selected = _core.SelectLocked(lane, maxReadings, _core.NowMs);
                if (selected is null)
                {
                    return new BufferBatch(0, lane, []);
                }

                slices = _reader.PlanLocked(selected);
            }

            List<SequencedReading> readings;
            try
            {
                readings = await _reader.ReadAsync(slices, maxReadings, cancellationToken);
            }
            catch
            {
                // Cancelled or an I/O error: the batch never reached the caller, so its readings are available again.
                lock (_core.Gate)
                {
                    _core.Ledger.Complete(selected.Id, 0, [], out _, out _);
                    _core.SignalLocked();
                }

                throw;
            }
            finally
            {
                ReleaseReaders(slices);
            }

            if (_reader.Unreadable.RunCount > 0)
            {
                DropUnreadable(selected, readings);
            }

            _core.Clock.CorrectUnsetTimestamps(readings);
            return new BufferBatch(selected.Id, lane, readings);
        }
        finally
        {
            _readGate.Release();
        }
    }

    public ValueTask EndBatchAsync(BufferBatch batch, int acceptedCount, CancellationToken cancellationToken) =>
        End(batch, acceptedCount, awaiting: false);

    public ValueTask EndBatchAwaitingAsync(BufferBatch batch, int sentCount, CancellationToken cancellationToken) =>
        End(batch, sentCount, awaiting: true);

    /// <summary>Acknowledges awaiting readings; the ack record is written with the next group, like any other.</summary>
    public ValueTask<long> AcknowledgeAsync(long start, long end, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Acknowledge(acked => _core.Ledger.AcknowledgeAwaiting(start, end, acked)));

    public ValueTask<long> ReleaseAsync(long start, long end, CancellationToken cancellationToken)
    {
        lock (_core.Gate)
        {
            return ValueTask.FromResult(_core.ReleaseAwaitingLocked(start, end));
        }
    }

    private ValueTask End(BufferBatch batch, int acceptedCount, bool awaiting)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!batch.IsEmpty)
        {
            Acknowledge(acked =>
            {
                _core.EndLocked(batch, acceptedCount, acked, awaiting);
                return 0;
            });
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Runs <paramref name="change"/> under the lock, writes an ack record per run it acknowledged, retires segments.</summary>
    private long Acknowledge(Func<List<SeqRun>, long> change)
    {
        var acked = new List<SeqRun>(2);
        List<Segment>? released = null;
        long result;
        lock (_core.Gate)
        {
            result = change(acked);
            foreach (SeqRun run in acked)
            {
                EnqueueMarkerLocked(RecordKind.Ack, run.Start, run.End);
            }

            RetireAcknowledgedLocked(ref released);
        }

        DeleteSegments(released);
        return result;
    }

    public ValueTask WaitToReadAsync(CancellationToken cancellationToken) => _core.WaitToReadAsync(cancellationToken);

    /// <summary>Writes and fsyncs everything appended or acknowledged so far, whatever the policy.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        lock (_core.Gate)
        {
            ObjectDisposedException.ThrowIf(_disposing, this);
            _pending.ForceSync = true;
            WakeWriterLocked();
            return _pending.Done.Task.WaitAsync(cancellationToken);
        }
    }

    public BufferStats GetStats()
    {
        lock (_core.Gate)
        {
            return _core.StatsLocked(_totalBytes, HeldLocked(), _storageProblem);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_core.Gate)
        {
            if (_disposing)
            {
                return;
            }

            _disposing = true;
            _pending.ForceSync = true;
            WakeWriterLocked();
        }

        try
        {
            await _writer;
        }
        finally
        {
            await _readGate.WaitAsync();
            lock (_core.Gate)
            {
                foreach (Segment segment in _segments)
                {
                    segment.Dispose();
                }
            }

            long held;
            lock (_core.Gate)
            {
                held = HeldLocked();
            }

            if (held > 0)
            {
                _logger.LogError(
                    "Disk buffer {Directory} closes with {Held} readings held only in memory (storage refused writes: {Problem}); they are lost",
                    _options.Directory, held, _storageProblem);
            }

            _readGate.Dispose();
            _core.Dispose();
            if (_lockFile is not null)
            {
                await _lockFile.DisposeAsync();
            }
        }
    }

    /// <summary>Creates the directory; false when the filesystem refuses (read-only), logged.</summary>
    private static bool TryCreateDirectory(string directory, ILogger logger)
    {
        try
        {
            Directory.CreateDirectory(directory);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Disk buffer {Directory}: cannot create the directory", directory);
            return false;
        }
    }

    /// <summary>
    /// Takes the directory's lock file. On a read-only filesystem (the file cannot be opened for writing) an existing lock
    /// file is locked read-only and <paramref name="writable"/> becomes false; held by another buffer: throws.
    /// </summary>
    private static FileStream? OpenLockFile(string directory, ref bool writable)
    {
        string path = Path.Combine(directory, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                // Succeeds only when the write failed for another reason than a lock held elsewhere: read-only.
                FileStream? readOnly = File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None) : null;
                writable = false;
                return readOnly;
            }
            catch (IOException)
            {
                throw new InvalidOperationException(
                    $"The buffer directory {directory} is in use (lock file {path} is held); only one buffer may own a directory.", ex);
            }
        }
    }

    private void Restore(RecoveryResult recovered)
    {
        BufferLedger<RecordLocation> ledger = _core.Ledger;
        long openedMs = _core.NowMs;
        long earliestMs = _core.Clock.EarliestPlausibleMs;
        foreach (LedgerRecord<RecordLocation> record in recovered.Records)
        {
            // An append time before the earliest plausible time was stamped by an unset clock: its age is unknown, so it
            // counts from now instead of looking decades old (and being purged as expired).
            long appendMs = record.AppendMs < earliestMs ? openedMs : record.AppendMs;
            ledger.Add(record.FirstSeq, record.Count, appendMs, record.Payload);
        }

        ledger.Compact(_core.NowMs - (long)_options.LiveWindow.TotalMilliseconds, RecordLocation.TryMerge);
        if (recovered.TrimHead > ledger.Head)
        {
            ledger.DropBefore(recovered.TrimHead, DropReason.Expired);
        }

        for (int i = 0; i < recovered.Acked.RunCount; i++)
        {
            ledger.Acknowledge(recovered.Acked[i].Start, recovered.Acked[i].End);
        }

        foreach (Segment segment in _segments)
        {
            _totalBytes += segment.Length;
        }

        if (_segments.Count == 0 && _storageProblem is null)
        {
            _segments.Add(Segment.Open(_options.Directory, _core.NextSeq, create: true));
        }

        lock (_core.Gate)
        {
            _core.CountDropLocked(recovered.CorruptReadings, DropReason.Corrupt);
            for (int i = 0; i < recovered.Lost.RunCount; i++)
            {
                // Mark the damage as dealt with, so the next open does not count it again.
                EnqueueMarkerLocked(RecordKind.Ack, recovered.Lost[i].Start, recovered.Lost[i].End);
            }
        }

        if (recovered.CorruptReadings > 0 || recovered.UncountedDamage > 0)
        {
            _logger.LogWarning(
                "Disk buffer {Directory} recovered with damage: {Readings} readings lost in damaged records, {Regions} damaged regions of unknown size",
                _options.Directory, recovered.CorruptReadings, recovered.UncountedDamage);
        }

        _logger.LogInformation(
            "Disk buffer {Directory} opened: {Segments} segments, {Bytes} bytes, {Readings} readings stored, next seq {NextSeq}",
            _options.Directory, _segments.Count, _totalBytes, ledger.Stored, _core.NextSeq);
    }

    /// <summary>Returns the pending group, stamping its start and waking the writer when it was empty.</summary>
    private PendingGroup StartRecordLocked(long nowMs)
    {
        PendingGroup group = _pending;
        if (group.IsEmpty)
        {
            group.StartMs = nowMs;
            WakeWriterLocked();
        }

        return group;
    }

    private void EnqueueMarkerLocked(RecordKind kind, long seq, long value)
    {
        PendingGroup group = StartRecordLocked(_core.NowMs);
        int offset = group.Bytes.WrittenCount;
        int length = ReadingRecordEncoder.EncodeMarker(kind, seq, value, group.Bytes);
        group.Records.Add(new PendingRecord(kind, seq, 0, 0, offset, length));
    }

    private void WakeWriterLocked()
    {
        _wake?.TrySetResult();
        _wake = null;
    }

    private void ExpireLocked(long nowMs)
    {
        if (_core.ExpireLocked(nowMs))
        {
            EnqueueMarkerLocked(RecordKind.Trim, _core.Ledger.Head, 0);
            List<Segment>? released = null;
            RetireAcknowledgedLocked(ref released);
            DeleteSegments(released);
        }
    }

    /// <summary>Retires old segments whose readings are all below the head (acknowledged, expired or dropped).</summary>
    private void RetireAcknowledgedLocked(ref List<Segment>? released)
    {
        while (_segments.Count > 1 && _segments[1].BaseSeq <= _core.Ledger.Head)
        {
            RetireOldestLocked(ref released);
        }
    }

    /// <summary>Drops the oldest segment (counting its unacknowledged readings as overflow) and schedules its deletion.</summary>
    private void RetireOldestLocked(ref List<Segment>? released)
    {
        Segment oldest = _segments[0];
        _core.DropBeforeLocked(_segments[1].BaseSeq, DropReason.Overflow);
        _segments.RemoveAt(0);
        _totalBytes -= oldest.Length;
        oldest.Retired = true;
        if (oldest.Readers == 0)
        {
            (released ??= []).Add(oldest);
        }
    }

    private void ReleaseReaders(List<ReadSlice> slices)
    {
        List<Segment>? released = null;
        lock (_core.Gate)
        {
            Segment? previous = null;
            foreach (ReadSlice slice in slices)
            {
                if (slice.Record.Payload.Segment is { } segment && segment != previous)
                {
                    previous = segment;
                    if (--segment.Readers == 0 && segment.Retired)
                    {
                        (released ??= []).Add(segment);
                    }
                }
            }
        }

        DeleteSegments(released);
    }

    private void DeleteSegments(List<Segment>? segments)
    {
        if (segments is null)
        {
            return;
        }

        foreach (Segment segment in segments)
        {
            try
            {
                segment.Delete();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(ex, "Could not delete retired buffer segment {Segment}", segment.Path);
            }
        }
    }

    /// <summary>Removes readings whose records proved unreadable from the batch and the buffer, counted as corrupt.</summary>
    private void DropUnreadable(LedgerBatch batch, List<SequencedReading> readings)
    {
        IntervalSet unreadable = _reader.Unreadable;
        lock (_core.Gate)
        {
            for (int i = 0; i < unreadable.RunCount; i++)
            {
                SeqRun run = unreadable[i];
                _core.Ledger.Acknowledge(run.Start, run.End);
                _core.CountDropLocked(run.Length, DropReason.Corrupt);
                EnqueueMarkerLocked(RecordKind.Ack, run.Start, run.End);
            }

            batch.Runs = BatchReader.RunsOf(readings);
        }
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            PendingGroup? group = null;
            Task? wake = null;
            long dueMs = long.MaxValue;
            bool syncNow = false;
            Segment? active = null;
            long nowMs = _core.NowMs;
            lock (_core.Gate)
            {
                if (_pending.IsEmpty)
                {
                    AdmitWaitingLocked();
                }

                PendingGroup pending = _pending;
                bool windowOpen = !pending.ForceSync && !_disposing && (pending.IsEmpty || (_windowMs > 0
                    && pending.EstimatedBytes < _options.GroupCommitBytes && nowMs < pending.StartMs + _windowMs));
                if (pending.HasWork && !windowOpen)
                {
                    group = pending;
                    _pending = _spare;
                    AdmitWaitingLocked();
                }
                else if (_disposing && !pending.HasWork)
                {
                    return;
                }
                else
                {
                    if (pending.HasWork)
                    {
                        dueMs = pending.StartMs + _windowMs;
                    }

                    if (_dirty && _options.FsyncPolicy == FsyncPolicy.Interval)
                    {
                        long syncDue = _lastFsyncMs + _intervalMs;
                        syncNow = nowMs >= syncDue;
                        active = _segments[^1];
                        dueMs = Math.Min(dueMs, syncDue);
                    }

                    wake = (_wake ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
            }

            if (group is not null)
            {
                await FlushGroupAsync(group);
                group.Reset();
                lock (_core.Gate)
                {
                    _spare = group;
                }
            }
            else if (syncNow)
            {
                try
                {
                    Fsync(active!);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The data stays written; the next group's write and fsync tell whether the disk is still usable.
                    _logger.LogError(ex, "Disk buffer {Directory}: fsync failed", _options.Directory);
                    _dirty = false;
                }
            }
            else if (dueMs == long.MaxValue)
            {
                await wake!;
            }
            else
            {
                await DelayUntilAsync(dueMs, wake!);
            }
        }
    }

    /// <summary>
    /// Waits until the clock reaches <paramref name="dueMs"/> or <paramref name="wake"/> completes. The timer is only
    /// trusted when the clock did not move while it was being created (a fake clock may be advanced at any moment).
    /// </summary>
    private async Task DelayUntilAsync(long dueMs, Task wake)
    {
        while (true)
        {
            long before = _core.NowMs;
            if (before >= dueMs)
            {
                return;
            }

            using var cancelDelay = new CancellationTokenSource();
            Task delay = Task.Delay(TimeSpan.FromMilliseconds(dueMs - before), _time, cancelDelay.Token);
            if (_core.NowMs == before)
            {
                await Task.WhenAny(wake, delay);
                await cancelDelay.CancelAsync();
                return;
            }

            await cancelDelay.CancelAsync();
        }
    }

    /// <summary>Encodes the group's readings (in records of at most <see cref="MaxReadingsPerRecord"/>) followed by its markers.</summary>
    private void Encode(PendingGroup group)
    {
        if (_encoded.Capacity > 4 * 1024 * 1024)
        {
            _encoded = new ArrayBufferWriter<byte>(64 * 1024);
        }

        _encoded.ResetWrittenCount();
        _records.Clear();
        ReadOnlySpan<Reading> readings = CollectionsMarshal.AsSpan(group.Readings);
        for (int start = 0; start < readings.Length; start += MaxReadingsPerRecord)
        {
            ReadOnlySpan<Reading> chunk = readings.Slice(start, Math.Min(MaxReadingsPerRecord, readings.Length - start));
            long seq = group.FirstSeq + start;
            int offset = _encoded.WrittenCount;
            int length = _encoder.Encode(chunk, seq, group.ReadingsAppendMs, _encoded);
            _records.Add(new PendingRecord(RecordKind.Readings, seq, chunk.Length, group.ReadingsAppendMs, offset, length));
        }

        int markersAt = _encoded.WrittenCount;
        _encoded.Write(group.Bytes.WrittenSpan);
        foreach (PendingRecord marker in group.Records)
        {
            _records.Add(marker with { Offset = marker.Offset + markersAt });
        }
    }

    private async Task FlushGroupAsync(PendingGroup group)
    {
        Encode(group);
        var touched = new List<(Segment Segment, long Length)>(2);
        try
        {
            Segment active = Prepare(_encoded.WrittenCount, group.Readings.Count > 0 ? group.FirstSeq : -1);
            touched.Add((active, active.Length));
            var locations = new RecordLocation[_records.Count];
            long chunkFileStart = active.Length;
            int chunkStart = 0;
            int chunkLength = 0;
            for (int i = 0; i < _records.Count; i++)
            {
                PendingRecord record = _records[i];
                long fileLength = chunkFileStart + chunkLength;
                if (record.Kind == RecordKind.Readings && fileLength > 0 && record.Seq != active.BaseSeq
                    && fileLength + record.Length > _options.SegmentBytes)
                {
                    await WriteAsync(active, _encoded.WrittenMemory.Slice(chunkStart, chunkLength));
                    if (_options.FsyncPolicy != FsyncPolicy.None)
                    {
                        Fsync(active);
                    }

                    active = Roll(record.Seq);
                    touched.Add((active, 0));
                    chunkFileStart = 0;
                    chunkStart = record.Offset;
                    chunkLength = 0;
                }

                locations[i] = new RecordLocation(active, chunkFileStart + chunkLength, record.Length);
                chunkLength += record.Length;
            }

            await WriteAsync(active, _encoded.WrittenMemory.Slice(chunkStart, chunkLength));
            SyncAfterWrite(active, group.ForceSync);
            Publish(locations);
            LeaveDegraded();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Undo(touched);
            Hold(group, ex);
        }

        group.Done.TrySetResult();
    }

    /// <summary>Cuts what a failed group wrote off the segments again, so no half record stays between good ones.</summary>
    private void Undo(List<(Segment Segment, long Length)> touched)
    {
        foreach ((Segment segment, long length) in touched)
        {
            try
            {
                if (RandomAccess.GetLength(segment.Handle) > length)
                {
                    RandomAccess.SetLength(segment.Handle, length);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left as a damaged region that recovery skips; appends continue after it.
                _logger.LogWarning("Disk buffer {Directory}: could not cut a failed write off {Segment}: {Error}", _options.Directory, segment.Path, ex.Message);
            }

            lock (_core.Gate)
            {
                long actual = RandomAccess.GetLength(segment.Handle);
                _totalBytes += actual - segment.Length;
                segment.Length = actual;
            }
        }

        _dirty = false;
    }

    /// <summary>
    /// Storage refused the group: its readings stay in the ledger in memory under their sequence numbers (or are dropped
    /// and counted as <c>disk_full</c> beyond <see cref="DiskBufferOptions.MaxHeldReadings"/>); its ack and trim markers go
    /// back into the pending group to be written with the next one.
    /// </summary>
    private void Hold(PendingGroup group, Exception error)
    {
        int count = group.Readings.Count;
        bool entering;
        bool dropped = false;
        long held;
        lock (_core.Gate)
        {
            entering = _storageProblem is null;
            _storageProblem = $"{error.GetType().Name}: {error.Message}";
            if (count > 0)
            {
                long end = group.FirstSeq + count;
                if (HeldLocked() + count <= _maxHeldReadings)
                {
                    _core.Ledger.Add(group.FirstSeq, count, group.ReadingsAppendMs, RecordLocation.InMemory([.. group.Readings]));
                    if (_heldRuns.Count > 0 && _heldRuns[^1].End == group.FirstSeq)
                    {
                        _heldRuns[^1] = new SeqRun(_heldRuns[^1].Start, end);
                    }
                    else
                    {
                        _heldRuns.Add(new SeqRun(group.FirstSeq, end));
                    }

                    _core.SignalLocked();
                }
                else
                {
                    // The ledger marks the gap gone at its next record; the ack marker keeps recovery from counting it again.
                    _core.CountDropLocked(count, DropReason.DiskFull);
                    EnqueueMarkerLocked(RecordKind.Ack, group.FirstSeq, end);
                    dropped = true;
                }
            }

            ReadOnlySpan<byte> markers = group.Bytes.WrittenSpan;
            foreach (PendingRecord marker in group.Records)
            {
                PendingGroup pending = StartRecordLocked(_core.NowMs);
                int offset = pending.Bytes.WrittenCount;
                pending.Bytes.Write(markers.Slice(marker.Offset, marker.Length));
                pending.Records.Add(marker with { Offset = offset });
            }

            held = HeldLocked();
        }

        if (entering)
        {
            _logger.LogCritical(
                error,
                "Disk buffer {Directory}: storage refuses writes; degraded: new readings are held in memory (at most {Max}, then dropped and counted as disk_full) and every group retries the disk",
                _options.Directory, _maxHeldReadings);
        }
        else if (dropped)
        {
            _logger.LogWarning(
                "Disk buffer {Directory}: still refusing writes and {Held} readings held in memory; {Count} readings dropped (disk_full)",
                _options.Directory, held, count);
        }
    }

    /// <summary>A write succeeded: leave degraded mode.</summary>
    private void LeaveDegraded()
    {
        long held;
        lock (_core.Gate)
        {
            if (_storageProblem is null)
            {
                return;
            }

            _storageProblem = null;
            held = HeldLocked();
        }

        _logger.LogWarning(
            "Disk buffer {Directory}: storage accepts writes again; {Held} readings still held in memory go out as they are published",
            _options.Directory, held);
    }

    /// <summary>Readings held in memory and still stored (not yet acknowledged or dropped).</summary>
    private long HeldLocked()
    {
        BufferLedger<RecordLocation> ledger = _core.Ledger;
        int gone = 0;
        while (gone < _heldRuns.Count && _heldRuns[gone].End <= ledger.Head)
        {
            gone++;
        }

        if (gone > 0)
        {
            _heldRuns.RemoveRange(0, gone);
        }

        long held = 0;
        foreach (SeqRun run in _heldRuns)
        {
            held += ledger.StoredIn(run.Start, run.End);
        }

        return held;
    }

    /// <summary>
    /// Expires and drops for overflow before a write; returns the active segment, reopening it for writing (or creating
    /// it) when the buffer was opened read-only. Throws while the filesystem still refuses.
    /// </summary>
    /// <param name="firstSeq">The group's first reading, or -1 for markers only: names a segment created here.</param>
    private Segment Prepare(int incomingBytes, long firstSeq)
    {
        Segment? newest;
        lock (_core.Gate)
        {
            newest = _segments.Count > 0 ? _segments[^1] : null;
            firstSeq = firstSeq >= 0 ? firstSeq : _core.NextSeq;
        }

        if (newest is null)
        {
            Directory.CreateDirectory(_options.Directory);
            Roll(firstSeq);
        }
        else if (!newest.Writable)
        {
            newest.ReopenForWrite();
        }

        List<Segment>? released = null;
        Segment active;
        lock (_core.Gate)
        {
            ExpireLocked(_core.NowMs);
            while (_totalBytes + incomingBytes > _options.MaxBytes && _segments.Count > 1)
            {
                RetireOldestLocked(ref released);
            }

            active = _segments[^1];
        }

        DeleteSegments(released);
        return active;
    }

    private async ValueTask WriteAsync(Segment segment, ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        await RandomAccess.WriteAsync(segment.Handle, bytes, segment.Length);
        lock (_core.Gate)
        {
            segment.Length += bytes.Length;
            _totalBytes += bytes.Length;
            _core.AddBytesWrittenLocked(bytes.Length);
        }

        _dirty = true;
    }

    private void SyncAfterWrite(Segment active, bool force)
    {
        if (!_dirty)
        {
            return;
        }

        bool sync = force || _options.FsyncPolicy switch
        {
            FsyncPolicy.Always or FsyncPolicy.GroupCommit => true,
            FsyncPolicy.Interval => _core.NowMs >= _lastFsyncMs + _intervalMs,
            _ => false,
        };
        if (sync)
        {
            Fsync(active);
        }
    }

    private void Fsync(Segment segment)
    {
        RandomAccess.FlushToDisk(segment.Handle);
        Interlocked.Increment(ref _fsyncs);
        _lastFsyncMs = _core.NowMs;
        _dirty = false;
    }

    private Segment Roll(long baseSeq)
    {
        Segment segment = Segment.Open(_options.Directory, baseSeq, create: true);
        lock (_core.Gate)
        {
            _segments.Add(segment);
        }

        return segment;
    }

    /// <summary>Makes written records visible to readers, in sequence order.</summary>
    private void Publish(RecordLocation[] locations)
    {
        lock (_core.Gate)
        {
            for (int i = 0; i < locations.Length; i++)
            {
                PendingRecord record = _records[i];
                if (record.Kind == RecordKind.Readings)
                {
                    _core.Ledger.Add(record.Seq, record.Count, record.AppendMs, locations[i]);
                }
            }

            _core.CompactLocked(RecordLocation.TryMerge);
            _core.SignalLocked();
        }
    }
}
