using System.Buffers;
using System.IO.Pipelines;
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
    /// <summary>Largest part of a snapshot read back (the rest of a larger file is not read: it would only slow the start; the registry's caps bound its memory).</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    /// <summary>Largest version 1 snapshot read (it is read whole; larger ones are refused: the hub starts empty).</summary>
    public const long MaxVersion1Bytes = 8L * 1024 * 1024;

    /// <summary>Longest line read (one node with all its sensors and sparklines: ~0.25 MB at 100 sensors, ~5 MB at the default cap of 2,048 sensor-quantities per node); a longer one is skipped without being held (the heap cap of the hub is 52 MiB).</summary>
    public const int MaxLineBytes = 8 * 1024 * 1024;

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
    public Task<HealthSnapshotFile?> LoadAsync(Action<NodeView> onNode, CancellationToken cancellationToken) =>
        LoadAsync(onNode, problem => throw new InvalidDataException(problem), cancellationToken);

    /// <summary>
    /// Reads what can be read of the snapshot, one node at a time (<paramref name="onNode"/>), and goes on past what
    /// cannot: a line that is not valid JSON (a partly written or damaged file), longer than <see cref="MaxLineBytes"/>
    /// (skipped without being held), or beyond <see cref="MaxBytes"/> (not read) is passed to
    /// <paramref name="onProblem"/> (which may throw to stop). Returns the header (a blank one when the header line is
    /// damaged: nodes are still read, alerts are not), or null when there is no snapshot or nothing of it can be read.
    /// </summary>
    public async Task<HealthSnapshotFile?> LoadAsync(Action<NodeView> onNode, Action<string> onProblem, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var info = new FileInfo(Path);
        if (info.Length > MaxBytes)
        {
            onProblem($"Health snapshot '{Path}' is {info.Length} bytes, above the {MaxBytes} byte limit; only the nodes in its first {MaxBytes} bytes are read.");
        }

        await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        byte[] start = new byte[8];
        int got = await stream.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken);
        if (start.AsSpan(0, got).StartsWith("{\"v\":1"u8) && info.Length > MaxVersion1Bytes)
        {
            onProblem($"Health snapshot '{Path}' has version 1 and {info.Length} bytes, above the {MaxVersion1Bytes} bytes read whole; not read.");
            return null;
        }

        stream.Position = 0;
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var lines = new LineReader(this, onNode, onProblem);
        long consumed = 0;
        bool skipping = false;
        try
        {
            while (!lines.Stopped)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (!lines.Stopped && buffer.PositionOf((byte)'\n') is { } end)
                {
                    consumed += buffer.Slice(0, end).Length + 1;
                    if (skipping)
                    {
                        skipping = false; // the end of the overlong line
                    }
                    else
                    {
                        lines.Line(buffer.Slice(0, end));
                    }

                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (consumed > MaxBytes)
                    {
                        lines.Stop();
                    }
                }

                if (lines.Stopped)
                {
                    reader.AdvanceTo(buffer.Start);
                    break;
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty && !skipping)
                    {
                        lines.Line(buffer);
                    }

                    reader.AdvanceTo(buffer.End);
                    break;
                }

                if (skipping || buffer.Length > MaxLineBytes)
                {
                    // Not held: dropped as it comes until its end.
                    if (!skipping)
                    {
                        lines.Number++;
                        lines.Problem($"line {lines.Number} is longer than {MaxLineBytes} bytes; skipped.");
                        skipping = true;
                    }

                    consumed += buffer.Length;
                    reader.AdvanceTo(buffer.End);
                    continue;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }

        if (lines.Header is null && !lines.Stopped)
        {
            onProblem($"Health snapshot '{Path}' is empty.");
        }

        return lines.Header is null ? null : lines.Header with { Nodes = [] };
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (segment.Span.IndexOfAnyExcept((byte)' ') >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParse<T>(ReadOnlySequence<byte> line, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, int number, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value, out string? problem)
        where T : class
    {
        try
        {
            var json = new Utf8JsonReader(line);
            value = JsonSerializer.Deserialize(ref json, type);
            problem = value is null ? $"line {number} is null" : null;
            return value is not null;
        }
        catch (JsonException ex)
        {
            value = null;
            problem = $"line {number} is not valid JSON ({ex.Message})";
            return false;
        }
    }

    /// <summary>The lines of one read: the header (the first), then the nodes, each passed on; problems reported, reading goes on.</summary>
    private sealed class LineReader(HealthSnapshotStore store, Action<NodeView> onNode, Action<string> onProblem)
    {
        public HealthSnapshotFile? Header { get; private set; }

        public int Number { get; set; }

        public bool Stopped { get; private set; }

        public void Stop() => Stopped = true;

        public void Problem(string problem) => onProblem($"Health snapshot '{store.Path}' {problem}");

        public void Line(ReadOnlySequence<byte> line)
        {
            Number++;
            if (Header is null)
            {
                if (!TryParse(line, HubJsonContext.Default.HealthSnapshotFile, Number, out var header, out string? error))
                {
                    // The nodes after a damaged header are still worth reading (its alerts are lost).
                    Problem(error + " (the header: its active alerts are not restored)");
                    Header = new HealthSnapshotFile { V = HealthSnapshotFile.CurrentVersion };
                    return;
                }

                if (header.V is not (1 or HealthSnapshotFile.CurrentVersion))
                {
                    Problem($"has version {header.V.ToString(System.Globalization.CultureInfo.InvariantCulture)}, expected {HealthSnapshotFile.CurrentVersion}; not read.");
                    Stop();
                    return;
                }

                Header = header;

                // Version 1 is one JSON object with every node in it (small: checked above); version 2's header has none.
                foreach (var node in header.Nodes)
                {
                    onNode(node);
                }

                return;
            }

            if (Header.V != HealthSnapshotFile.CurrentVersion)
            {
                // A version 1 file is a single line.
                Problem($"has version {Header.V.ToString(System.Globalization.CultureInfo.InvariantCulture)} and a second line; the rest is not read.");
                Stop();
                return;
            }

            if (IsBlank(line))
            {
                return;
            }

            if (TryParse(line, HubJsonContext.Default.NodeView, Number, out var view, out string? problem))
            {
                onNode(view);
            }
            else
            {
                Problem(problem + "; skipped.");
            }
        }
    }
}
