using System.Text;
using System.Text.Json;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Hub.Notifications;

/// <summary>
/// The durable outbox: <c>outbox.jsonl</c> in <see cref="NotificationOptions.OutboxPath"/>, append-only lines (an
/// <c>add</c> per notification, a <c>done</c> when it was delivered or refused for good), synced to disk before a call
/// returns. A restart re-reads it: what was added and not done is sent again (same key, same bytes), and a key already
/// known is never added twice. Bounded: at most <c>capacity</c> pending (more are dropped and counted), and the keys of
/// the last 4 × capacity finished notifications remembered; the file is compacted when mostly finished lines.
/// </summary>
/// <remarks>A crash between a receiver's 200 and the <c>done</c> line sends that one notification again at restart with the same idempotency key.</remarks>
public sealed class NotificationOutbox : IAsyncDisposable
{
    public const string FileName = "outbox.jsonl";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _path;
    private readonly int _capacity;
    private readonly int _rememberLimit;
    private readonly NotificationMetrics _metrics;
    private readonly Dictionary<string, OutboxEntry> _pending = new(StringComparer.Ordinal);
    private readonly LinkedList<OutboxRecord> _finished = new();
    private readonly HashSet<string> _finishedKeys = new(StringComparer.Ordinal);
    private FileStream _file;
    private long _lines;
    private long _sequence;
    private readonly Dictionary<string, long> _order = new(StringComparer.Ordinal);

    private NotificationOutbox(string directory, int capacity, NotificationMetrics metrics)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);
        _capacity = capacity;
        _rememberLimit = Math.Max(1000, capacity * 4);
        _metrics = metrics;
        _file = null!;
    }

    /// <summary>Lines at the end of the file that could not be read (a write torn by a crash), skipped at open.</summary>
    public int TornLines { get; private set; }

    public int PendingCount
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Opens (creating if needed) and replays the outbox in <paramref name="directory"/>.</summary>
    public static async Task<NotificationOutbox> OpenAsync(string directory, int capacity, NotificationMetrics metrics, CancellationToken cancellationToken)
    {
        var outbox = new NotificationOutbox(directory, capacity, metrics);
        await outbox.ReplayAsync(cancellationToken);
        outbox._file = new FileStream(outbox._path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        metrics.AttachPending(() => outbox.PendingCount);
        return outbox;
    }

    /// <summary>True when the key was ever added (pending or remembered as finished).</summary>
    public bool Knows(string key)
    {
        lock (_pending)
        {
            return _pending.ContainsKey(key) || _finishedKeys.Contains(key);
        }
    }

    /// <summary>Every notification known (pending and remembered), for rebuilding what was sent after a restart.</summary>
    public IReadOnlyList<(string AlertId, string Event, int Level)> KnownEvents()
    {
        lock (_pending)
        {
            return [.. _pending.Values.Select(e => (e.AlertId, e.Event, e.Level)),
                .. _finished.Where(r => r.AlertId is not null).Select(r => (r.AlertId!, r.Event ?? "", r.Level))];
        }
    }

    /// <summary>The pending notifications of a channel, oldest first.</summary>
    public IReadOnlyList<OutboxEntry> PendingFor(string channel)
    {
        lock (_pending)
        {
            return [.. _pending.Values.Where(e => e.Channel == channel).OrderBy(e => _order[e.Key])];
        }
    }

    /// <summary>
    /// Writes the entries whose keys are new and syncs the file; returns those added (in order). An entry over the
    /// capacity is dropped and counted. Only after this returns does a notification count as "to be sent".
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> AddAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var added = new List<OutboxEntry>(entries.Count);
            var text = new StringBuilder();
            int pending = PendingCount;
            foreach (var e in entries)
            {
                if (Knows(e.Key) || added.Any(a => a.Key == e.Key))
                {
                    continue;
                }

                if (pending + added.Count >= _capacity)
                {
                    _metrics.Dropped(e.Channel);
                    continue;
                }

                added.Add(e);
                text.Append(JsonSerializer.Serialize(
                    new OutboxRecord { Type = OutboxRecord.Add, Key = e.Key, Channel = e.Channel, AlertId = e.AlertId, Event = e.Event, Level = e.Level, Body = e.Body },
                    NotificationJsonContext.Default.OutboxRecord)).Append('\n');
            }

            if (added.Count == 0)
            {
                return added;
            }

            await AppendAsync(text.ToString(), added.Count, cancellationToken);
            lock (_pending)
            {
                foreach (var e in added)
                {
                    _pending[e.Key] = e;
                    _order[e.Key] = _sequence++;
                    _metrics.Queued(e.Channel);
                }
            }

            return added;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Marks a notification finished (delivered, or refused for good) and syncs; compacts the file when due.</summary>
    public async Task MarkDoneAsync(OutboxEntry entry, string result, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var done = new OutboxRecord { Type = OutboxRecord.Done, Key = entry.Key, AlertId = entry.AlertId, Event = entry.Event, Level = entry.Level, Result = result };
            await AppendAsync(JsonSerializer.Serialize(done, NotificationJsonContext.Default.OutboxRecord) + "\n", 1, cancellationToken);
            lock (_pending)
            {
                _pending.Remove(entry.Key);
                _order.Remove(entry.Key);
                Remember(done);
            }

            if (_lines > 1000 && _lines > 2 * (PendingCount + _finished.Count))
            {
                await CompactAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await _file.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task AppendAsync(string lines, int count, CancellationToken cancellationToken)
    {
        await _file.WriteAsync(Encoding.UTF8.GetBytes(lines), cancellationToken);
        _file.Flush(flushToDisk: true); // fsync: no async form
        _lines += count;
    }

    private void Remember(OutboxRecord done)
    {
        if (!_finishedKeys.Add(done.Key))
        {
            return;
        }

        _finished.AddLast(done);
        while (_finished.Count > _rememberLimit)
        {
            _finishedKeys.Remove(_finished.First!.Value.Key);
            _finished.RemoveFirst();
        }
    }

    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return;
        }

        using var reader = new StreamReader(_path, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            _lines++;
            OutboxRecord? record = null;
            try
            {
                record = JsonSerializer.Deserialize(line, NotificationJsonContext.Default.OutboxRecord);
            }
            catch (JsonException)
            {
            }

            if (record is null)
            {
                TornLines++; // a torn final write; its notification was never "to be sent"
                continue;
            }

            if (record.Type == OutboxRecord.Add && record is { Channel: { } channel, AlertId: { } alert, Event: { } ev, Body: { } body })
            {
                if (!_finishedKeys.Contains(record.Key) && _pending.Count < _capacity)
                {
                    _pending[record.Key] = new OutboxEntry(record.Key, channel, alert, ev, record.Level, body);
                    _order[record.Key] = _sequence++;
                }
            }
            else if (record.Type == OutboxRecord.Done)
            {
                _pending.Remove(record.Key);
                _order.Remove(record.Key);
                Remember(record);
            }
        }
    }

    /// <summary>Rewrites the file as the pending adds and the remembered done lines: temp file, fsync, rename, fsync of the directory.</summary>
    private async Task CompactAsync(CancellationToken cancellationToken)
    {
        string temp = _path + ".tmp";
        var text = new StringBuilder();
        int count;
        lock (_pending)
        {
            foreach (var r in _finished)
            {
                text.Append(JsonSerializer.Serialize(r, NotificationJsonContext.Default.OutboxRecord)).Append('\n');
            }

            foreach (var e in _pending.Values.OrderBy(e => _order[e.Key]))
            {
                text.Append(JsonSerializer.Serialize(
                    new OutboxRecord { Type = OutboxRecord.Add, Key = e.Key, Channel = e.Channel, AlertId = e.AlertId, Event = e.Event, Level = e.Level, Body = e.Body },
                    NotificationJsonContext.Default.OutboxRecord)).Append('\n');
            }

            count = _finished.Count + _pending.Count;
        }

        await using (var tmp = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await tmp.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
            tmp.Flush(flushToDisk: true);
        }

        await _file.DisposeAsync();
        File.Move(temp, _path, overwrite: true);
        DurableStateStore.SyncDirectory(Path.GetDirectoryName(_path)!);
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        _lines = count;
    }
}
