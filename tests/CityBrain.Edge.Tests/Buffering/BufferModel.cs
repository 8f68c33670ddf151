using CityBrain.Sensing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Buffering;

/// <summary>
/// A plain model of the buffer contract (stored readings with append times, in-flight set) that drives a buffer with
/// random operations and checks every batch and the depth against itself. Live window 10 s, no caps.
/// </summary>
internal sealed class BufferModel(FakeTimeProvider time, CancellationToken cancellationToken)
{
    private readonly SortedDictionary<long, (Reading Reading, DateTimeOffset AppendedAt)> _stored = [];
    private readonly HashSet<long> _inFlight = [];

    /// <summary>Acknowledged since the last crash: their acknowledgement may not be on disk yet.</summary>
    private readonly Dictionary<long, (Reading Reading, DateTimeOffset AppendedAt)> _acked = [];
    private readonly List<BufferBatch> _batches = [];
    private int _nextReading;

    public long NextSeq { get; private set; }

    /// <summary>One random operation: append, begin (either lane), end (partial accept), or a clock move.</summary>
    public async Task StepAsync(IReadingBuffer buffer, Random random)
    {
        int op = random.Next(10);
        if (op < 3)
        {
            int n = random.Next(1, 20);
            await buffer.AppendAsync(TestReadings.Range(_nextReading, n), cancellationToken);
            for (int i = 0; i < n; i++)
            {
                _stored.Add(NextSeq++, (TestReadings.One(_nextReading++), time.GetUtcNow()));
            }
        }
        else if (op < 6)
        {
            await BeginAsync(buffer, random);
        }
        else if (op < 9 && _batches.Count > 0)
        {
            await EndAsync(buffer, random);
        }
        else
        {
            time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 8_000)));
        }

        Assert.Equal(_stored.Count, buffer.GetStats().Readings);
    }

    /// <summary>
    /// After a kill and restart nothing is in flight any more and every stored reading is available again, identical;
    /// readings whose acknowledgement had not reached the disk yet may come back too (at-least-once), identical, and are
    /// stored again. Reads everything once (and hands it back) to check.
    /// </summary>
    public async Task CrashedAsync(IReadingBuffer buffer)
    {
        _inFlight.Clear();
        _batches.Clear();
        var seen = new List<SequencedReading>();
        foreach (BufferLane lane in new[] { BufferLane.Live, BufferLane.Backlog })
        {
            BufferBatch batch = await buffer.BeginBatchAsync(lane, 100_000, cancellationToken);
            seen.AddRange(batch.Readings);
            await buffer.EndBatchAsync(batch, 0, cancellationToken);
        }

        foreach ((long seq, Reading reading) in seen)
        {
            if (_stored.TryGetValue(seq, out var kept))
            {
                Assert.Equal(kept.Reading, reading);
            }
            else
            {
                Assert.True(_acked.Remove(seq, out var acked), $"seq {seq} came back after a crash but was never acknowledged");
                Assert.Equal(acked.Reading, reading);
                _stored.Add(seq, acked);
            }
        }

        Assert.Equal(_stored.Count, seen.Count);
        _acked.Clear();
    }

    private async Task BeginAsync(IReadingBuffer buffer, Random random)
    {
        BufferLane lane = random.Next(2) == 0 ? BufferLane.Live : BufferLane.Backlog;
        int max = random.Next(1, 30);
        DateTimeOffset liveSince = time.GetUtcNow() - TimeSpan.FromSeconds(10);
        long[] expected = _stored
            .Where(e => !_inFlight.Contains(e.Key) && (e.Value.AppendedAt > liveSince) == (lane == BufferLane.Live))
            .Select(e => e.Key).Take(max).ToArray();
        BufferBatch batch = await buffer.BeginBatchAsync(lane, max, cancellationToken);
        Assert.Equal(expected, TestReadings.Seqs(batch));
        Assert.Equal(expected.Select(seq => _stored[seq].Reading), batch.Readings.Select(r => r.Reading));
        if (!batch.IsEmpty)
        {
            _batches.Add(batch);
            _inFlight.UnionWith(expected);
        }
    }

    private async Task EndAsync(IReadingBuffer buffer, Random random)
    {
        BufferBatch batch = _batches[random.Next(_batches.Count)];
        _batches.Remove(batch);
        int accepted = random.Next(3) == 0 ? batch.Count : random.Next(batch.Count + 1);
        await buffer.EndBatchAsync(batch, accepted, cancellationToken);
        for (int i = 0; i < batch.Count; i++)
        {
            _inFlight.Remove(batch.Readings[i].Seq);
            if (i < accepted && _stored.Remove(batch.Readings[i].Seq, out var acked))
            {
                _acked[batch.Readings[i].Seq] = acked;
            }
        }
    }
}
