using System.Threading.Channels;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Sends PUBACKs in the order the PUBLISH packets arrived (MQTT 5 §4.6, MQTT-4.6.0-2), although batches finish out
/// of order on parallel writers: a message is marked done when it is stored (or rejected), and the done prefix of
/// the arrival order is acknowledged. <see cref="Complete"/> only marks and signals: the PUBACKs go out from
/// <see cref="RunAsync"/>, so a writer never waits for a socket round trip per message. <see cref="Reset"/> drops
/// the entries of a lost connection (the broker redelivers them on the new one).
/// </summary>
public sealed class AcknowledgementSequencer : IDisposable
{
    private readonly Queue<Entry> _pending = new();
    private readonly object _gate = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly IngestMetrics _metrics;
    private readonly Action<int, long>? _released;
    private readonly Func<CancellationToken, IAsyncDisposable?>? _holdWrites;

    /// <param name="metrics">Unacknowledged-message accounting.</param>
    /// <param name="released">Called with the number of messages (and their payload bytes) leaving the sequence at its head.</param>
    /// <param name="holdWrites">
    /// Starts collecting the connection's writes, sent together when the returned object is disposed: the PUBACKs of
    /// one flush leave in one system call (null: each is sent on its own).
    /// </param>
    public AcknowledgementSequencer(IngestMetrics metrics, Action<int, long>? released = null, Func<CancellationToken, IAsyncDisposable?>? holdWrites = null)
    {
        _metrics = metrics;
        _released = released;
        _holdWrites = holdWrites;
    }

    /// <summary>Messages received and not yet acknowledged.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Records a received message (call in arrival order); <paramref name="acknowledge"/> sends its PUBACK.</summary>
    public Entry Register(Func<CancellationToken, Task> acknowledge, long payloadBytes = 0)
    {
        var entry = new Entry(acknowledge, payloadBytes);
        lock (_gate)
        {
            _pending.Enqueue(entry);
        }

        _metrics.Held();
        return entry;
    }

    /// <summary>Marks the message done; <see cref="RunAsync"/> acknowledges the done prefix of the arrival order.</summary>
    public void Complete(Entry entry)
    {
        bool headDone;
        lock (_gate)
        {
            entry.Done = true;
            headDone = _pending.Count > 0 && _pending.Peek().Done;
        }

        if (headDone)
        {
            _signal.Writer.TryWrite(true);
        }
    }

    /// <summary>Marks the message done and acknowledges every done message at the head of the arrival order.</summary>
    public async Task CompleteAsync(Entry entry, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            entry.Done = true;
        }

        await FlushAsync(cancellationToken);
    }

    /// <summary>Sends the PUBACKs of completed messages, in arrival order, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _signal.Reader.WaitToReadAsync(cancellationToken))
            {
                _signal.Reader.TryRead(out _);
                await FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        IAsyncDisposable? held = null;
        try
        {
            held = _holdWrites?.Invoke(cancellationToken);
            while (true)
            {
                Entry head;
                lock (_gate)
                {
                    if (_pending.Count == 0 || !_pending.Peek().Done)
                    {
                        return;
                    }

                    head = _pending.Dequeue();
                }

                _metrics.Released(1);
                _released?.Invoke(1, head.PayloadBytes);
                await head.Acknowledge(cancellationToken);
            }
        }
        finally
        {
            try
            {
                if (held is not null)
                {
                    await held.DisposeAsync();
                }
            }
            finally
            {
                _sending.Release();
            }
        }
    }

    /// <summary>Forgets every pending message (their connection is gone; the broker redelivers them).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _metrics.Released(_pending.Count);
            _pending.Clear();
        }
    }

    public void Dispose() => _sending.Dispose();

    /// <summary>One received message waiting for its PUBACK.</summary>
    public sealed class Entry
    {
        internal Entry(Func<CancellationToken, Task> acknowledge, long payloadBytes)
        {
            Acknowledge = acknowledge;
            PayloadBytes = payloadBytes;
        }

        internal Func<CancellationToken, Task> Acknowledge { get; }

        internal long PayloadBytes { get; }

        internal bool Done { get; set; }
    }
}
