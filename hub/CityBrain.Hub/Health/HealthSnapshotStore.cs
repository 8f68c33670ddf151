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
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        HealthSnapshotFile? header = null;
        int number = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    header = Line(buffer.Slice(0, end), header, ++number, onNode);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        header = Line(buffer, header, ++number, onNode);
                    }

                    reader.AdvanceTo(buffer.End);
                    break;
                }

                if (buffer.Length > MaxLineBytes)
                {
                    throw new InvalidDataException($"Health snapshot '{Path}' line {number + 1} is longer than {MaxLineBytes} bytes; delete it to start empty.");
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }

        return header is null
            ? throw new InvalidDataException($"Health snapshot '{Path}' is empty; delete it to start empty.")
            : header with { Nodes = [] };
    }

    /// <summary>One line: the header (the first), or a node passed on. Returns the header.</summary>
    private HealthSnapshotFile Line(ReadOnlySequence<byte> line, HealthSnapshotFile? header, int number, Action<NodeView> onNode)
    {
        if (header is null)
        {
            header = Parse(line, HubJsonContext.Default.HealthSnapshotFile, number);
            if (header.V is not (1 or HealthSnapshotFile.CurrentVersion))
            {
                throw VersionError(header.V);
            }

            // Version 1 is one JSON object with every node in it (small: checked above); version 2's header has none.
            foreach (var node in header.Nodes)
            {
                onNode(node);
            }

            return header;
        }

        if (header.V != HealthSnapshotFile.CurrentVersion)
        {
            throw VersionError(header.V); // a version 1 file is a single line
        }

        if (!IsBlank(line))
        {
            onNode(Parse(line, HubJsonContext.Default.NodeView, number));
        }

        return header;
    }

    private InvalidDataException VersionError(int version) =>
        new($"Health snapshot '{Path}' has version {version.ToString(System.Globalization.CultureInfo.InvariantCulture)}, expected {HealthSnapshotFile.CurrentVersion}; delete it to start empty.");

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

    private T Parse<T>(ReadOnlySequence<byte> line, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, int number)
    {
        try
        {
            var json = new Utf8JsonReader(line);
            return JsonSerializer.Deserialize(ref json, type) ?? throw new InvalidDataException($"Health snapshot '{Path}' line {number} is null; delete it to start empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Health snapshot '{Path}' line {number} is not valid JSON ({ex.Message}); delete it to start empty.", ex);
        }
    }
}
