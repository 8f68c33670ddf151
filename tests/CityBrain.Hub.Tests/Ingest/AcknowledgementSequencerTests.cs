using CityBrain.Hub.Ingest;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class AcknowledgementSequencerTests
{
    [Fact]
    public async Task CompleteAsync_OutOfOrder_AcknowledgesInArrivalOrder()
    {
        using var metrics = new IngestMetrics();
        using var sequencer = new AcknowledgementSequencer(metrics);
        var sent = new List<int>();
        var entries = Enumerable.Range(0, 5).Select(i => sequencer.Register(_ => { sent.Add(i); return Task.CompletedTask; })).ToArray();

        await sequencer.CompleteAsync(entries[2], CancellationToken.None);
        await sequencer.CompleteAsync(entries[1], CancellationToken.None);
        Assert.Empty(sent); // 0 is not done: nothing may be acknowledged before it
        Assert.Equal(5, metrics.Unacknowledged);

        await sequencer.CompleteAsync(entries[0], CancellationToken.None);
        Assert.Equal([0, 1, 2], sent);
        await sequencer.CompleteAsync(entries[4], CancellationToken.None);
        await sequencer.CompleteAsync(entries[3], CancellationToken.None);
        Assert.Equal([0, 1, 2, 3, 4], sent);
        Assert.Equal(0, metrics.Unacknowledged);
        Assert.Equal(5, metrics.UnacknowledgedPeak);
    }

    [Fact]
    public async Task Reset_DropsPendingOfLostConnection_NewMessagesAreNotBlocked()
    {
        using var metrics = new IngestMetrics();
        using var sequencer = new AcknowledgementSequencer(metrics);
        var sent = new List<string>();
        var stale = sequencer.Register(_ => { sent.Add("stale"); return Task.CompletedTask; });
        sequencer.Reset();
        var fresh = sequencer.Register(_ => { sent.Add("fresh"); return Task.CompletedTask; });

        await sequencer.CompleteAsync(fresh, CancellationToken.None);
        await sequencer.CompleteAsync(stale, CancellationToken.None);

        Assert.Equal(["fresh"], sent);
        Assert.Equal(0, sequencer.Pending);
    }

    [Fact]
    public async Task Complete_OutOfOrder_LoopSendsInArrivalOrder_AndReleasesTheWindow()
    {
        using var metrics = new IngestMetrics();
        int released = 0;
        using var sequencer = new AcknowledgementSequencer(metrics, (n, _) => Interlocked.Add(ref released, n));
        var sent = new List<int>();
        var all = new TaskCompletionSource();
        var entries = Enumerable.Range(0, 4).Select(i => sequencer.Register(_ =>
        {
            lock (sent)
            {
                sent.Add(i);
                if (sent.Count == 4)
                {
                    all.TrySetResult();
                }
            }

            return Task.CompletedTask;
        })).ToArray();
        using var cts = new CancellationTokenSource();
        var loop = sequencer.RunAsync(cts.Token);

        sequencer.Complete(entries[3]);
        sequencer.Complete(entries[1]);
        sequencer.Complete(entries[2]);
        await Task.Delay(50);
        lock (sent)
        {
            Assert.Empty(sent); // 0 is not done
        }

        sequencer.Complete(entries[0]);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([0, 1, 2, 3], sent);
        Assert.Equal(4, released);
        Assert.Equal(0, metrics.Unacknowledged);
        await cts.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task Flush_HoldsWritesAroundTheRunOfAcknowledgements()
    {
        using var metrics = new IngestMetrics();
        var log = new List<string>();
        using var sequencer = new AcknowledgementSequencer(metrics, holdWrites: _ =>
        {
            log.Add("hold");
            return new Release(log);
        });
        var entries = Enumerable.Range(0, 3).Select(i => sequencer.Register(_ =>
        {
            log.Add($"ack {i}");
            return Task.CompletedTask;
        })).ToArray();

        foreach (var e in entries.Take(2))
        {
            sequencer.Complete(e);
        }

        await sequencer.CompleteAsync(entries[2], CancellationToken.None);

        Assert.Equal(["hold", "ack 0", "ack 1", "ack 2", "release"], log);
    }

    private sealed class Release(List<string> log) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            log.Add("release");
            return ValueTask.CompletedTask;
        }
    }
}
