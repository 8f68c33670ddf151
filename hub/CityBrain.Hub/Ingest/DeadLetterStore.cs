using System.Buffers;
using System.Globalization;
using CityBrain.Hub.Configuration;
using CityBrain.Sensing.Contract;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Logging;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// The durable record of everything the hub rejected: <c>deadletters-NNNNNNNN.jsonl</c> segments in one directory, one
/// <c>deadletter.v1</c> object per line (the whole rejected reading, point or payload, with reason, node and seq).
/// <see cref="AppendAsync"/> returns only once the letters are fsync'd, so the hub acknowledges a message only after
/// what it refused of it is on disk. Bounded: a segment is closed at <see cref="DeadLetterOptions.SegmentBytes"/>;
/// while all segments exceed <see cref="DeadLetterOptions.MaxBytes"/> the oldest is deleted and its letters are
/// counted in <see cref="Dropped"/> (<c>citybrain.hub.deadletters.dropped</c>). A write that fails (disk full,
/// read-only) is retried until it succeeds: the messages stay unacknowledged at the broker meanwhile.
/// </summary>
public sealed class DeadLetterStore : IDisposable
{
    public const string FilePrefix = "deadletters-";
    public const string FileSuffix = ".jsonl";

    private readonly DeadLetterOptions _options;
    private readonly TimeProvider _time;
    private readonly RateLimitedLogger _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Segment> _segments = [];
    private readonly ArrayBufferWriter<byte> _scratch = new(4096);
    private string? _directory;
    private FileStream? _current;
    private long _stored;
    private long _dropped;
    private long _bytes;
    private long _writeFailures;

    public DeadLetterStore(DeadLetterOptions options, IngestMetrics metrics, TimeProvider time, ILogger<DeadLetterStore> logger)
    {
        _options = options;
        _time = time;
        _log = new RateLimitedLogger(logger, time, TimeSpan.FromSeconds(10));
        metrics.Meter.CreateObservableCounter("citybrain.hub.deadletters.stored", () => Stored, "{letter}", "Dead letters written to the dead-letter files");
        metrics.Meter.CreateObservableCounter("citybrain.hub.deadletters.dropped", () => Dropped, "{letter}", "Dead letters deleted with the oldest segment because the files reached Hub:DeadLetters:MaxBytes");
        metrics.Meter.CreateObservableCounter("citybrain.hub.deadletters.write_failures", () => WriteFailures, "{failure}", "Failed writes of dead letters (retried; the messages stay unacknowledged)");
        metrics.Meter.CreateObservableGauge("citybrain.hub.deadletters.bytes", () => Bytes, "By", "Bytes in the dead-letter files");
    }

    /// <summary>The directory, as configured.</summary>
    public string Directory => _options.Directory;

    /// <summary>Dead letters written since start.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Dead letters deleted since start because the files were full (the oldest go first).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Writes that failed since start (each retried until it succeeded).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <summary>Bytes the segments hold now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Appends the letters and fsyncs them; retries (with backoff) until the disk takes them or the token is cancelled.</summary>
    public async Task AppendAsync(IReadOnlyList<DeadLetterMessage> letters, CancellationToken cancellationToken)
    {
        if (letters.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _scratch.ResetWrittenCount();
            foreach (var letter in letters)
            {
                _scratch.Write(ContractJson.Serialize(letter, ContractJsonContext.Default.DeadLetterMessage));
                _scratch.Write("\n"u8);
            }

            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    Write(_scratch.WrittenSpan, letters.Count);
                    return;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Interlocked.Increment(ref _writeFailures);
                    CloseCurrent();
                    _log.Warn("write", "Dead letters not written to {Directory} ({Error}); retrying, the rejected messages stay unacknowledged", _options.Directory, ex.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 << Math.Min(attempt, 6))), _time, cancellationToken);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The segment files, oldest first (for operators' tools and tests).</summary>
    public static IReadOnlyList<string> SegmentFiles(string directory) =>
        System.IO.Directory.Exists(directory)
            ? System.IO.Directory.GetFiles(directory, FilePrefix + "*" + FileSuffix).Where(f => SegmentNumber(f) is not null).OrderBy(f => SegmentNumber(f)).ToList()
            : [];

    /// <summary>Every dead letter in the directory's segments, oldest first, read while the hub may be writing (a line that is not a whole dead letter is skipped).</summary>
    public static IReadOnlyList<DeadLetterMessage> ReadAll(string directory)
    {
        var letters = new List<DeadLetterMessage>();
        foreach (string file in SegmentFiles(directory))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                try
                {
                    if (System.Text.Json.JsonSerializer.Deserialize(line, ContractJsonContext.Default.DeadLetterMessage) is { } letter)
                    {
                        letters.Add(letter);
                    }
                }
                catch (System.Text.Json.JsonException)
                {
                }
            }
        }

        return letters;
    }

    private void Write(ReadOnlySpan<byte> bytes, int count)
    {
        Open();
        if (_current!.Length > 0 && _current.Length + bytes.Length > _options.SegmentBytes)
        {
            Roll();
        }

        var segment = _segments[^1];
        long before = _current!.Length;
        try
        {
            _current.Write(bytes);
            _current.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            TryTruncate(before); // no torn line for the retry to append after
            throw;
        }

        segment.Bytes += bytes.Length;
        if (segment.Letters >= 0)
        {
            segment.Letters += count;
        }

        Interlocked.Add(ref _bytes, bytes.Length);
        Interlocked.Add(ref _stored, count);
        EnforceCap();
    }

    /// <summary>First use (or after a failure): creates the directory, finds the segments, opens the newest for appending.</summary>
    private void Open()
    {
        if (_current is not null)
        {
            return;
        }

        _directory ??= Path.GetFullPath(_options.Directory);
        System.IO.Directory.CreateDirectory(_directory);
        if (_segments.Count == 0)
        {
            long total = 0;
            foreach (string file in SegmentFiles(_directory))
            {
                long length = new FileInfo(file).Length;
                _segments.Add(new Segment(SegmentNumber(file)!.Value, file) { Bytes = length, Letters = -1 });
                total += length;
            }

            Interlocked.Exchange(ref _bytes, total);
        }

        if (_segments.Count == 0)
        {
            _segments.Add(NewSegment(1));
        }

        _current = OpenAppend(_segments[^1].Path);
        _segments[^1].Bytes = _current.Length;
    }

    private void Roll()
    {
        CloseCurrent();
        var next = NewSegment(_segments[^1].Number + 1);
        _segments.Add(next);
        _current = OpenAppend(next.Path);
    }

    private FileStream OpenAppend(string path)
    {
        bool created = !File.Exists(path);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 1);
        if (created)
        {
            DurableStateStore.SyncDirectory(_directory!);
        }

        return stream;
    }

    private Segment NewSegment(long number) =>
        new(number, Path.Combine(_directory!, string.Create(CultureInfo.InvariantCulture, $"{FilePrefix}{number:D8}{FileSuffix}")));

    /// <summary>Deletes the oldest segments (never the one being written) while all of them exceed the cap; counts their letters.</summary>
    private void EnforceCap()
    {
        while (Bytes > _options.MaxBytes && _segments.Count > 1)
        {
            var oldest = _segments[0];
            long letters = oldest.Letters >= 0 ? oldest.Letters : CountLines(oldest.Path);
            File.Delete(oldest.Path);
            _segments.RemoveAt(0);
            Interlocked.Add(ref _bytes, -oldest.Bytes);
            Interlocked.Add(ref _dropped, letters);
            _log.Warn("dropped", "Dead-letter files reached Hub:DeadLetters:MaxBytes: deleted {File} with {Letters} dead letters (counted in citybrain.hub.deadletters.dropped)", oldest.Path, letters);
        }
    }

    private static long CountLines(string path)
    {
        long lines = 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return lines;
    }

    private static long? SegmentNumber(string path)
    {
        string name = Path.GetFileName(path);
        return name.StartsWith(FilePrefix, StringComparison.Ordinal) && name.EndsWith(FileSuffix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(FilePrefix.Length, name.Length - FilePrefix.Length - FileSuffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : null;
    }

    private void TryTruncate(long length)
    {
        try
        {
            _current?.SetLength(length);
        }
        catch (IOException)
        {
        }
    }

    private void CloseCurrent()
    {
        try
        {
            _current?.Dispose();
        }
        catch (IOException)
        {
        }

        _current = null;
    }

    public void Dispose()
    {
        CloseCurrent();
        _gate.Dispose();
    }

    private sealed class Segment(long number, string path)
    {
        public long Number { get; } = number;

        public string Path { get; } = path;

        public long Bytes { get; set; }

        /// <summary>Letters in the segment; -1 for a segment of an earlier run (counted when deleted).</summary>
        public long Letters { get; set; }
    }
}
