using System.Device.Gpio;
using CityBrain.Testing.Sensing;

namespace CityBrain.Drivers.Gpio.Tests;

public sealed class DigitalInputDriverTests
{
    private const int Pin = 22;

    private static async Task<(DigitalInputDriver Driver, ReadingList Pushed, Task Watch, CancellationTokenSource Stop)> WatchAsync(GpioRig rig, string sensorJson)
    {
        var driver = await rig.CreateAsync<DigitalInputDriver>(sensorJson);
        var pushed = new ReadingList();
        var stop = new CancellationTokenSource();
        var watch = driver.WatchAsync(pushed, stop.Token);
        return (driver, pushed, watch, stop);
    }

    [Fact]
    public async Task BinLid_BouncingOpen_IsPushedOnceWithinTheDebounce_DatedAtTheFirstEdge()
    {
        await using var rig = new GpioRig();
        rig.Chip.SetInitial(Pin, PinValue.Low); // lid shut: the magnet holds the reed closed to ground
        var (lid, pushed, watch, stop) = await WatchAsync(rig, """{ "id": "bin-07-lid", "driver": "gpio", "mode": "bin-lid", "pin": 22, "intervalMs": 60000 }""");
        Assert.False(lid.IsActive);

        rig.Advance(1000);
        var firstEdge = rig.Time.GetUtcNow();
        rig.Chip.Bounce(Pin, PinValue.High, 4, TimeSpan.FromMilliseconds(1), rig.Time.Advance); // last raw edge 8 ms after the first
        rig.Advance(49);
        Assert.Empty(pushed.Readings); // still bouncing as far as a 50 ms debounce can tell

        rig.Advance(1); // 50 ms after the last bounce, 58 ms after the first edge: settled, pushed without a poll
        var reading = Assert.Single(pushed.Readings);
        Assert.Equal(("lid_open", 1.0, "bool"), (reading.Quantity, reading.Value, reading.Unit));
        Assert.Equal(firstEdge, reading.Timestamp);
        Assert.True(rig.Time.GetUtcNow() - firstEdge < TimeSpan.FromMilliseconds(100));

        // Shut again (with bounce): one more push, value 0.
        rig.Advance(5000);
        rig.Chip.Bounce(Pin, PinValue.Low, 2, TimeSpan.FromMilliseconds(2), rig.Time.Advance);
        rig.Advance(50);
        Assert.Equal([1.0, 0.0], pushed.Readings.Select(r => r.Value));
        Assert.Equal(1 + 8 + 1 + 4, rig.Chip.EdgesRaised);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
    }

    [Fact]
    public async Task Glitch_ShorterThanTheDebounce_IsNotPushed()
    {
        await using var rig = new GpioRig();
        rig.Chip.SetInitial(Pin, PinValue.Low);
        var (_, pushed, _, stop) = await WatchAsync(rig, """{ "id": "cab-01-door", "driver": "gpio", "mode": "cabinet-door", "pin": 22, "intervalMs": 60000 }""");
        rig.Chip.Set(Pin, PinValue.High);
        rig.Advance(30);
        rig.Chip.Set(Pin, PinValue.Low);
        rig.Advance(500);
        Assert.Empty(pushed.Readings);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Poll_IsTheHeartbeat_WithTheCurrentState_AndActiveLowInverts()
    {
        await using var rig = new GpioRig();
        rig.Chip.SetInitial(Pin, PinValue.High);

        // A door contact wired the other way round: closed (low) means open. activeLow says so.
        var (door, pushed, _, stop) = await WatchAsync(rig, """{ "id": "cab-01-door", "driver": "gpio", "mode": "cabinet-door", "pin": 22, "activeLow": true, "intervalMs": 30000 }""");
        var beat = new ReadingList();
        await door.PollAsync(beat, CancellationToken.None);
        Assert.Equal(("door_open", 0.0), (beat.Readings[0].Quantity, beat.Readings[0].Value));

        rig.Chip.Set(Pin, PinValue.Low);
        rig.Advance(50);
        Assert.Equal(1.0, Assert.Single(pushed.Readings).Value);
        beat.Clear();
        await door.PollAsync(beat, CancellationToken.None);
        Assert.Equal(1.0, Assert.Single(beat.Readings).Value);
        Assert.Equal(rig.Time.GetUtcNow(), beat.Readings[0].Timestamp);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Pir_DefaultsToPullDown_AndPresenceFollowsTheOutput()
    {
        await using var rig = new GpioRig();
        var (pir, pushed, _, stop) = await WatchAsync(rig, """{ "id": "pir-01", "driver": "gpio", "mode": "pir", "pin": 22, "intervalMs": 60000 }""");
        Assert.Equal("down", pir.Diagnostics()["pull"]);
        rig.Chip.Set(Pin, PinValue.High);
        rig.Advance(20);
        rig.Advance(2000);
        rig.Chip.Set(Pin, PinValue.Low);
        rig.Advance(20);
        Assert.Equal([("presence", 1.0), ("presence", 0.0)], pushed.Readings.Select(r => (r.Quantity, r.Value)));
        Assert.Equal(GpioRig.Start, pushed.Readings[0].Timestamp);
        Assert.Equal(GpioRig.Start.AddMilliseconds(2020), pushed.Readings[1].Timestamp);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Diagnostics_ShowTheLastEdge_SoASilentInputIsVisible()
    {
        await using var rig = new GpioRig();
        rig.Chip.SetInitial(Pin, PinValue.Low);
        var (lid, _, _, stop) = await WatchAsync(rig, """{ "id": "bin-07-lid", "driver": "gpio", "mode": "bin-lid", "pin": 22, "intervalMs": 60000 }""");
        Assert.Equal("never", lid.Diagnostics()["last_edge"]);

        rig.Advance(3000);
        rig.Chip.Bounce(Pin, PinValue.High, 1, TimeSpan.FromMilliseconds(3), rig.Time.Advance);
        var lastEdge = rig.Time.GetUtcNow();
        rig.Advance(TimeSpan.FromHours(6));

        var detail = lid.Diagnostics();
        Assert.Equal(GpioSensorSetup.Format(lastEdge), detail["last_edge"]);
        Assert.Equal(GpioSensorSetup.Format(GpioRig.Start.AddSeconds(3)), detail["last_change"]);
        Assert.Equal(("3", "1", "1"), (detail["edges"], detail["changes"], detail["active"]));
        Assert.Equal("gpiochip0 \"fake\"", detail["chip"]);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task ChangeBeforeWatching_IsNotLost_TheFirstHeartbeatCarriesIt()
    {
        await using var rig = new GpioRig();
        rig.Chip.SetInitial(Pin, PinValue.Low);
        var lid = await rig.CreateAsync<DigitalInputDriver>("""{ "id": "bin-07-lid", "driver": "gpio", "mode": "bin-lid", "pin": 22, "intervalMs": 60000 }""");
        rig.Chip.Set(Pin, PinValue.High);
        rig.Advance(60);
        var beat = new ReadingList();
        await lid.PollAsync(beat, CancellationToken.None);
        Assert.Equal(1.0, Assert.Single(beat.Readings).Value);
        Assert.Equal("1", lid.Diagnostics()["changes_not_pushed"]);
    }
}
