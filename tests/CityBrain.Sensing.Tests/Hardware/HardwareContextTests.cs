using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Sensing.Tests.Hardware;

public sealed class HardwareContextTests
{
    private sealed class Handle(List<string> log, string name) : IAsyncDisposable
    {
        public string Name => name;

        public ValueTask DisposeAsync()
        {
            log.Add(name);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task AHandleTheHostRegistered_WinsOverTheDriversDefault_AndIsNotDisposedByTheContext()
    {
        var log = new List<string>();
        var context = new HardwareContext(TimeProvider.System);
        var fake = new Handle(log, "fake-gpio");
        context.Register("gpio:chip0", fake);

        var got = context.GetOrAdd("gpio:chip0", () => new Handle(log, "real-gpio"));

        Assert.Same(fake, got);
        await context.DisposeAsync();
        Assert.Empty(log);
    }

    [Fact]
    public async Task HandlesTheContextMade_AreSharedAndDisposedOnce_LastMadeFirst()
    {
        var log = new List<string>();
        var context = new HardwareContext(TimeProvider.System);
        int made = 0;
        var a1 = context.GetOrAdd("bus:a", () => { made++; return new Handle(log, "a"); });
        var a2 = context.GetOrAdd("bus:a", () => { made++; return new Handle(log, "a-again"); });
        context.GetOrAdd("bus:b", () => new Handle(log, "b"));

        Assert.Same(a1, a2);
        Assert.Equal(1, made);
        await context.DisposeAsync();
        Assert.Equal(["b", "a"], log);
    }

    [Fact]
    public void BusLock_IsOnePerBusKey()
    {
        var context = new HardwareContext(TimeProvider.System);
        Assert.Same(context.BusLock("i2c-1"), context.BusLock("i2c-1"));
        Assert.NotSame(context.BusLock("i2c-1"), context.BusLock("i2c-2"));
    }

    [Fact]
    public async Task BusLock_HeldByAHungNeighbour_TimesOutWithTimeoutException()
    {
        var time = new FakeTimeProvider();
        var bus = new BusLock();
        using var held = await bus.AcquireAsync(TimeSpan.FromSeconds(1), time, CancellationToken.None);

        var waiting = bus.AcquireAsync(TimeSpan.FromMilliseconds(200), time, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Contains("200 ms", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BusLock_Release_HandsOverInArrivalOrder()
    {
        var bus = new BusLock();
        var order = new List<int>();
        var first = await bus.AcquireAsync(TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None);
        var waiters = Enumerable.Range(1, 3).Select(async i =>
        {
            using var held = await bus.AcquireAsync(TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None);
            lock (order)
            {
                order.Add(i);
            }
        }).ToList();

        first.Dispose();
        first.Dispose(); // releasing twice is harmless: the second is a no-op
        await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 2, 3], order);
    }
}
