using System.Text.Json;

namespace CityBrain.Hub.Health;

/// <summary>
/// Reads and writes <see cref="HealthSnapshotFile"/>: written to a temporary file beside the target, flushed, then
/// renamed over it, so a crash leaves either the old snapshot or the new one, never half of one.
/// <para>
/// Version 2 is JSON Lines: a header line (<see cref="HealthSnapshotFile"/> with <c>nodes</c> empty: version, when,
/// the active alerts), then one <see cref="NodeView"/> per line. Both ways go one node at a time: a city's registry
/// with an hour of sparklines is ~100 MB of JSON (500 nodes x 100 sensors) and ~130 MB as views, which version 1, one
/// JSON object read whole, had to hold at once at start; under the hub's heap cap that was an OutOfMemoryException at
/// every start after an hour of running. A version 1 file is still read, whole, when it is small enough to.
/// </para>
/// </summary>
public sealed class HealthSnapshotStore(string path)
{
    /// <summary>Largest snapshot read back (a larger file is refused rather than exhausting memory).</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    /// <summary>Largest version 1 snapshot read (it is read whole; larger ones are refused: the hub starts empty).</summary>
    public const long MaxVersion1Bytes = 8L * 1024 * 1024;

    /// <summary>Longest line read (one node with all its sensors and sparklines; the defaults make ~0.25 MB at 100 sensors).</summary>
    public const int MaxLineBytes = 64 * 1024 * 1024;

    public string Path { get; } = path;

    public async Task SaveAsync(HealthSnapshotFile snapshot, CancellationToken cancellationToken)
    {
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        string temp = Path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(stream, snapshot with { V = HealthSnapshotFile.CurrentVersion, Nodes = [] }, HubJsonContext.Default.HealthSnapshotFile, cancellationToken);
            stream.WriteByte((byte)'\n');
            foreach (var node in snapshot.Nodes)
            {
                await JsonSerializer.SerializeAsync(stream, node, HubJsonContext.Default.NodeView, cancellationToken);
                stream.WriteByte((byte)'\n');
            }

            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>The saved snapshot with all its nodes in a list, or null when there is none (for tests and tools: a city's snapshot is large).</summary>
    /// <exception cref="InvalidDataException">The file is not a snapshot this version can read.</exception>
    public async Task<HealthSnapshotFile?> LoadAsync(CancellationToken cancellationToken)
    {
        var nodes = new List<NodeView>();
        var header = await LoadAsync(nodes.Add, cancellationToken);
        return header is null ? null : header with { Nodes = nodes };
    }

    /// <summary>
    /// Reads the snapshot one node at a time: <paramref name="onNode"/> gets each as it is read. Returns the header
    /// (when, the active alerts; no nodes), or null when there is no snapshot.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a snapshot this version can read; nodes read before the fault have been passed on.
    /// </exception>
    public async Task<HealthSnapshotFile?> LoadAsync(Action<NodeView> onNode, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var info = new FileInfo(Path);
        if (info.Length > MaxBytes)
        {
            throw new InvalidDataException($"Health snapshot '{Path}' is {info.Length} bytes, above the {MaxBytes} byte limit; delete it to start empty.");
        }

        await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        byte[] start = new byte[8];
        int got = await stream.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken);
        if (start.AsSpan(0, got).StartsWith("{\"v\":1"u8) && info.Length > MaxVersion1Bytes)
        {
            throw new InvalidDataException($"Health snapshot '{Path}' has version 1 and {info.Length} bytes, above the {MaxVersion1Bytes} bytes read whole; delete it to start empty.");
        }

        stream.Position = 0;
        using var lines = new LineReader(stream, MaxLineBytes);
        int number = 1;
        var first = await lines.NextAsync(cancellationToken);
        if (first is not { } headerLine)
        {
            throw new InvalidDataException($"Health snapshot '{Path}' is empty; delete it to start empty.");
        }

        var header = Parse(headerLine.Span, HubJsonContext.Default.HealthSnapshotFile, number);

        // Version 1 is one JSON object with every node in it (small: checked above); version 2's header has none.
        foreach (var node in header.Nodes)
        {
            onNode(node);
        }

        if (header.V == 1 && lines.Ended)
        {
            return header with { Nodes = [] };
        }

        if (header.V != HealthSnapshotFile.CurrentVersion)
        {
            throw new InvalidDataException($"Health snapshot '{Path}' has version {header.V.ToString(System.Globalization.CultureInfo.InvariantCulture)}, expected {HealthSnapshotFile.CurrentVersion}; delete it to start empty.");
        }

        while (await lines.NextAsync(cancellationToken) is { } line)
        {
            number++;
            if (!line.Span.Trim((byte)' ').IsEmpty)
            {
                onNode(Parse(line.Span, HubJsonContext.Default.NodeView, number));
            }
        }

        return header with { Nodes = [] };
    }

    private T Parse<T>(ReadOnlySpan<byte> line, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, int number)
    {
        try
        {
            return JsonSerializer.Deserialize(line, type) ?? throw new InvalidDataException($"Health snapshot '{Path}' line {number} is null; delete it to start empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Health snapshot '{Path}' line {number} is not valid JSON ({ex.Message}); delete it to start empty.", ex);
        }
    }

    /// <summary>Lines of a stream as byte ranges of one reused buffer (valid until the next call), at most a given length each.</summary>
    private sealed class LineReader(Stream stream, int maxLine) : IDisposable
    {
        private byte[] _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        private int _start;
        private int _end;
        private bool _eof;

        /// <summary>True once the stream has been read to its end and every line returned.</summary>
        public bool Ended => _eof && _start >= _end;

        public async ValueTask<ReadOnlyMemory<byte>?> NextAsync(CancellationToken cancellationToken)
        {
            int scanned = _start;
            while (true)
            {
                int at = _buffer.AsSpan(scanned, _end - scanned).IndexOf((byte)'\n');
                if (at >= 0)
                {
                    var line = _buffer.AsMemory(_start, scanned + at - _start);
                    _start = scanned + at + 1;
                    return line;
                }

                scanned = _end;
                if (_eof)
                {
                    if (_start >= _end)
                    {
                        return null;
                    }

                    var last = _buffer.AsMemory(_start, _end - _start);
                    _start = _end;
                    return last;
                }

                if (_end - _start >= maxLine)
                {
                    throw new InvalidDataException($"a line of the health snapshot is longer than {maxLine} bytes");
                }

                if (_end == _buffer.Length)
                {
                    // Make room: move the partial line to the front, or grow the buffer for a long line.
                    int length = _end - _start;
                    byte[] target = length > _buffer.Length / 2 ? System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(maxLine + 1, _buffer.Length * 2)) : _buffer;
                    Buffer.BlockCopy(_buffer, _start, target, 0, length);
                    if (!ReferenceEquals(target, _buffer))
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
                        _buffer = target;
                    }

                    scanned -= _start;
                    _start = 0;
                    _end = length;
                }

                int read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
                _end += read;
                _eof = read == 0;
            }
        }

        public void Dispose() => System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
    }
}
