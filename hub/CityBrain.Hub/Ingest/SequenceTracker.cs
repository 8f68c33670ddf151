using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CityBrain.Sensing;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Per-node sequence tracking: gaps (sequence numbers never seen) and duplicates are counted. A window of the last
/// <see cref="Window"/> numbers below the highest remembers which arrived, so a late (reordered) reading fills its
/// gap instead of counting as a duplicate.
/// </summary>
public sealed class SequenceTracker
{
    public const int Window = 4096;

    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly Counter<long>? _gaps;
    private readonly Counter<long>? _duplicates;

    public SequenceTracker(IngestMetrics? metrics = null)
    {
        _gaps = metrics?.Meter.CreateCounter<long>("citybrain.hub.sequence.gaps", "{reading}", "Sequence numbers skipped by nodes (readings missing)");
        _duplicates = metrics?.Meter.CreateCounter<long>("citybrain.hub.sequence.duplicates", "{reading}", "Readings whose sequence number was already seen");
    }

    public void Observe(string node, long seq)
    {
        var state = _nodes.GetOrAdd(node, static _ => new NodeState());
        long gaps, duplicates;
        lock (state)
        {
            (gaps, duplicates) = state.Observe(seq);
        }

        Count(node, gaps, duplicates);
    }

    /// <summary>Observes every reading of one message (one lookup and one lock for the batch).</summary>
    public void Observe(string node, IReadOnlyList<SequencedReading> readings)
    {
        var state = _nodes.GetOrAdd(node, static _ => new NodeState());
        long gaps = 0, duplicates = 0;
        lock (state)
        {
            for (int i = 0; i < readings.Count; i++)
            {
                var (g, d) = state.Observe(readings[i].Seq);
                gaps += Math.Max(0, g);
                duplicates += d;
            }
        }

        Count(node, gaps, duplicates);
    }

    private void Count(string node, long gaps, long duplicates)
    {
        if (gaps > 0)
        {
            _gaps?.Add(gaps, new KeyValuePair<string, object?>("node", node));
        }

        if (duplicates != 0)
        {
            _duplicates?.Add(duplicates, new KeyValuePair<string, object?>("node", node));
        }
    }

    public IReadOnlyList<NodeSequenceSnapshot> Snapshot()
    {
        var list = new List<NodeSequenceSnapshot>(_nodes.Count);
        foreach (var (node, state) in _nodes)
        {
            lock (state)
            {
                list.Add(new NodeSequenceSnapshot(node, state.Highest, state.Received, state.Missing, state.Duplicates, state.Late));
            }
        }

        list.Sort(static (a, b) => string.CompareOrdinal(a.Node, b.Node));
        return list;
    }

    public NodeSequenceSnapshot? Snapshot(string node)
    {
        if (!_nodes.TryGetValue(node, out var state))
        {
            return null;
        }

        lock (state)
        {
            return new NodeSequenceSnapshot(node, state.Highest, state.Received, state.Missing, state.Duplicates, state.Late);
        }
    }

    private sealed class NodeState
    {
        private readonly ulong[] _seen = new ulong[Window / 64];

        public long Highest { get; private set; } = -1;

        public long Received { get; private set; }

        public long Missing { get; private set; }

        public long Duplicates { get; private set; }

        public long Late { get; private set; }

        /// <returns>New gaps and duplicates caused by this observation (for the counters).</returns>
        public (long Gaps, long Duplicates) Observe(long seq)
        {
            Received++;
            if (Highest < 0)
            {
                Highest = seq;
                Mark(seq);
                return (0, 0);
            }

            if (seq > Highest)
            {
                long skipped = seq - Highest - 1;
                long clear = Math.Min(seq - Highest, Window);
                for (long s = seq - clear + 1; s <= seq; s++)
                {
                    Clear(s);
                }

                Highest = seq;
                Mark(seq);
                Missing += skipped;
                return (skipped, 0);
            }

            if (Highest - seq >= Window || IsMarked(seq))
            {
                Duplicates++;
                return (0, 1);
            }

            Mark(seq);
            Missing--;
            Late++;
            return (-1, 0);
        }

        private static (int Word, ulong Bit) Position(long seq)
        {
            long slot = seq % Window;
            return ((int)(slot / 64), 1UL << (int)(slot % 64));
        }

        private void Mark(long seq)
        {
            var (w, b) = Position(seq);
            _seen[w] |= b;
        }

        private void Clear(long seq)
        {
            var (w, b) = Position(seq);
            _seen[w] &= ~b;
        }

        private bool IsMarked(long seq)
        {
            var (w, b) = Position(seq);
            return (_seen[w] & b) != 0;
        }
    }
}
