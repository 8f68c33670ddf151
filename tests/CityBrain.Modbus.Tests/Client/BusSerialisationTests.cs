using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Client;

/// <summary>One transaction in flight per bus, and the bus rests for the turnaround (never less than t3.5) between them. Fake clock.</summary>
public sealed class BusSerialisationTests
{
    private static readonly byte[] Response = Hex.Rtu("01 03 02 0007");

    [Fact]
    public async Task SecondRequest_WaitsForTurnaroundAfterTheFirst()
    {
        await using var bus = new ScriptedBus(rtu: true, turnaround: TimeSpan.FromMilliseconds(50));
        bus.Stream.Script(Response);
        await bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1]);
        int afterFirst = bus.Stream.Written.Length;

        bus.Stream.Script(Response);
        var second = bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1]).AsTask();
        Assert.Equal(afterFirst, bus.Stream.Written.Length);
        bus.Time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal(afterFirst, bus.Stream.Written.Length);
        bus.Time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2 * afterFirst, bus.Stream.Written.Length);
    }

    [Fact]
    public async Task InterFrameSilence_IsTheMinimumRest()
    {
        var silence = new SerialLineSettings("x", 9600).InterFrameSilence;
        Assert.Equal(4.010, silence.TotalMilliseconds, 3);
        await using var bus = new ScriptedBus(rtu: true, interFrameSilence: silence);
        bus.Stream.Script(Response, Response);
        await bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1]);
        var second = bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1]).AsTask();
        Assert.False(second.IsCompleted);
        bus.Time.Advance(silence);
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SlowUnitTurnaround_AppliesOnlyAfterThatUnit()
    {
        await using var bus = new ScriptedBus(rtu: true);
        bus.Client.SetUnitTurnaround(2, TimeSpan.FromMilliseconds(40));
        bus.Stream.Script(Response, Hex.Rtu("02 03 02 0007"), Response);
        await bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1]);
        var afterUnit1 = bus.Client.ReadHoldingRegistersAsync(2, 0, new ushort[1]).AsTask();
        Assert.True(afterUnit1.IsCompleted, "unit 1 needs no rest");
        await afterUnit1;
        var afterUnit2 = bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1]).AsTask();
        Assert.False(afterUnit2.IsCompleted, "unit 2 is slow: the bus rests after it");
        bus.Time.Advance(TimeSpan.FromMilliseconds(40));
        await afterUnit2.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ConcurrentCallers_AreSerialised()
    {
        await using var bus = new ScriptedBus(rtu: true);
        var first = bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1]).AsTask();
        var second = bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1]).AsTask();
        Assert.Equal(8, bus.Stream.Written.Length);
        bus.Stream.Script(Response);
        await first.WaitAsync(TimeSpan.FromSeconds(5));
        await WaitForWrittenAsync(bus, 16);
        bus.Stream.Script(Response);
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WaitingCallers_GetTheBusInArrivalOrder_ACancelledOneIsSkipped()
    {
        await using var bus = new ScriptedBus(rtu: true);
        using var giveUp = new CancellationTokenSource();
        var first = bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1]).AsTask();
        var second = bus.Client.ReadHoldingRegistersAsync(2, 0, new ushort[1], giveUp.Token).AsTask();
        var third = bus.Client.ReadHoldingRegistersAsync(3, 0, new ushort[1]).AsTask();
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        Assert.Equal(8, bus.Stream.Written.Length);

        bus.Stream.Script(Response);
        await first.WaitAsync(TimeSpan.FromSeconds(5));
        await WaitForWrittenAsync(bus, 16);
        Assert.Equal(3, bus.Stream.Written[8]);
        bus.Stream.Script(Hex.Rtu("03 03 02 0007"));
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(16, bus.Stream.Written.Length);
    }

    private static async Task WaitForWrittenAsync(ScriptedBus bus, int bytes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (bus.Stream.Written.Length < bytes)
        {
            Assert.True(DateTime.UtcNow < deadline, $"second request not sent ({bus.Stream.Written.Length} bytes written)");
            await Task.Yield();
        }
    }
}
