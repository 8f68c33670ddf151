using CityBrain.Hub.Notifications;
using CityBrain.Testing.Servers;

namespace CityBrain.Hub.Tests.Notifications;

/// <summary>The outbox on a real directory: what was added survives a reopen, what was done is not sent again, a torn line is skipped, the bound drops and counts.</summary>
public sealed class NotificationOutboxTests : IDisposable
{
    private readonly TempDirectory _dir = new("outbox");
    private readonly NotificationMetrics _metrics = new();

    [Fact]
    public async Task Reopen_KeepsPending_ForgetsNothingDone_AndRefusesAKnownKey()
    {
        await using (var outbox = await Open(10))
        {
            Assert.Equal(3, (await outbox.AddAsync([Entry("a"), Entry("b"), Entry("c")], CancellationToken.None)).Count);
            await outbox.MarkDoneAsync(Entry("a"), "delivered", CancellationToken.None);
        }

        await using var reopened = await Open(10);
        Assert.Equal(["b", "c"], reopened.PendingFor("ops").Select(e => e.Key));
        Assert.Equal(Entry("b").Body, reopened.PendingFor("ops")[0].Body);
        Assert.Empty(await reopened.AddAsync([Entry("a"), Entry("b")], CancellationToken.None));
        Assert.True(reopened.Knows("a"));
    }

    [Fact]
    public async Task TornLastLine_IsSkipped_AndTheRestReplays()
    {
        await using (var outbox = await Open(10))
        {
            await outbox.AddAsync([Entry("a")], CancellationToken.None);
        }

        await File.AppendAllTextAsync(_dir.Combine(NotificationOutbox.FileName), "{\"t\":\"add\",\"key\":\"b\",\"chan");
        await using var reopened = await Open(10);
        Assert.Equal(1, reopened.TornLines);
        Assert.Equal(["a"], reopened.PendingFor("ops").Select(e => e.Key));
    }

    [Fact]
    public async Task Full_DropsTheNewest_AndCountsThem()
    {
        long dropped = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter == _metrics.Meter && i.Name == "citybrain.hub.notifications.dropped")
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => dropped += v);
        listener.Start();

        await using var outbox = await Open(2);
        var added = await outbox.AddAsync([Entry("a"), Entry("b"), Entry("c"), Entry("d")], CancellationToken.None);

        Assert.Equal(["a", "b"], added.Select(e => e.Key));
        Assert.Equal(2, dropped);
        Assert.False(outbox.Knows("c"));
    }

    [Fact]
    public async Task ManyDelivered_CompactsTheFile_AndStillRemembersTheKeys()
    {
        await using (var outbox = await Open(10))
        {
            for (int i = 0; i < 1200; i++)
            {
                var e = Entry("k" + i);
                await outbox.AddAsync([e], CancellationToken.None);
                await outbox.MarkDoneAsync(e, "delivered", CancellationToken.None);
            }

            await outbox.AddAsync([Entry("last")], CancellationToken.None);
        }

        long lines = File.ReadLines(_dir.Combine(NotificationOutbox.FileName)).LongCount();
        Assert.True(lines < 2400, $"{lines} lines: not compacted");
        await using var reopened = await Open(10);
        Assert.Equal(["last"], reopened.PendingFor("ops").Select(e => e.Key));
        Assert.True(reopened.Knows("k1199"));
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _dir.Dispose();
    }

    private Task<NotificationOutbox> Open(int capacity) => NotificationOutbox.OpenAsync(_dir.Path, capacity, _metrics, CancellationToken.None);

    private static OutboxEntry Entry(string key) => new(key, "ops", "alert-" + key, NotificationEvents.Raised, 0, $"{{\"key\":\"{key}\"}}");
}
