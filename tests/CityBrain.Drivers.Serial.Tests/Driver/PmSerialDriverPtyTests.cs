using CityBrain.Drivers.Serial.Tests.Framing;
using CityBrain.Sensing;
using CityBrain.Testing.Serial;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Drivers.Serial.Tests.Driver;

/// <summary>The real serial path: System.IO.Ports on one end of a socat pty pair, the sensor's frames written to the other.</summary>
public sealed class PmSerialDriverPtyTests
{
    private sealed class Collected : IReadingCollector
    {
        public List<Reading> Readings { get; } = [];

        public List<SensorFault> Faults { get; } = [];

        public void Add(in Reading reading) => Readings.Add(reading);

        public void AddFault(SensorFault fault) => Faults.Add(fault);
    }

    private static async Task<Collected> PollAsync(ISensorDriver driver)
    {
        var collected = new Collected();
        await driver.PollAsync(collected, CancellationToken.None);
        return collected;
    }

    [Fact]
    public async Task Pms5003_OverAPty_FreshFramesBecomeReadings_NoFrameIsATimeoutFault()
    {
        await using var pty = await PtyPair.StartAsync();
        await using var sensor = new FileStream(pty.B, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        await using var driver = new PmSerialDriver(new PmSerialOptions("pm-1", "pms5003", pty.A, 9600, TimeSpan.FromMilliseconds(1500)), new SystemSerialStreamFactory(), TimeProvider.System, NullLogger.Instance);
        var silent = await PollAsync(driver); // nothing sent yet
        Assert.Empty(silent.Readings);
        Assert.Equal(FaultCodes.Timeout, Assert.Single(silent.Faults).Code);

        // Garbage, a torn frame and a corrupted frame ahead of a good one, as a noisy line delivers them.
        var corrupted = (byte[])CapturedFrames.Pms5003.Clone();
        corrupted[31] ^= 0xFF;
        byte[] line = [0x13, 0x37, .. CapturedFrames.Pms5003[..11], .. corrupted, .. CapturedFrames.Pms5003Atmospheric];
        await sensor.WriteAsync(line);
        await sensor.FlushAsync();
        var poll = await PollAsync(driver);

        Assert.Empty(poll.Faults);
        Assert.Equal([("pm1_0", 9.0, "ug/m3"), ("pm2_5", 14.0, "ug/m3"), ("pm10", 16.0, "ug/m3")], poll.Readings.Select(r => (r.Quantity, r.Value, r.Unit)));
        var detail = driver.Diagnostics();
        Assert.Equal("1", detail["good_frames"]);
        Assert.NotEqual("0", detail["bad_frames"]);

        // The same frame is never reported twice: without a new one the next poll is a fault, not a stale value.
        var again = await PollAsync(driver);
        Assert.Empty(again.Readings);
        Assert.Equal(FaultCodes.Timeout, Assert.Single(again.Faults).Code);
    }

    [Fact]
    public async Task Sds011_OverAPty_Readings()
    {
        await using var pty = await PtyPair.StartAsync();
        await using var sensor = new FileStream(pty.B, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        await using var driver = new PmSerialDriver(new PmSerialOptions("pm-2", "sds011", pty.A, 9600, TimeSpan.FromSeconds(5)), new SystemSerialStreamFactory(), TimeProvider.System, NullLogger.Instance);
        var polling = PollAsync(driver);

        await sensor.WriteAsync(CapturedFrames.Sds011);
        await sensor.FlushAsync();
        var poll = await polling;

        Assert.Empty(poll.Faults);
        Assert.Equal([("pm2_5", 123.6), ("pm10", 261.8)], poll.Readings.Select(r => (r.Quantity, Math.Round(r.Value, 6))));
    }

    [Fact]
    public async Task MissingPort_NotAvailableFault()
    {
        await using var driver = new PmSerialDriver(new PmSerialOptions("pm-3", "sds011", "/dev/ttyDOES-NOT-EXIST", 9600, TimeSpan.FromMilliseconds(500)), new SystemSerialStreamFactory(), TimeProvider.System, NullLogger.Instance);

        var poll = await PollAsync(driver);

        Assert.Empty(poll.Readings);
        var fault = Assert.Single(poll.Faults);
        Assert.Equal(FaultCodes.NotAvailable, fault.Code);
        Assert.Contains("/dev/ttyDOES-NOT-EXIST", fault.Message, StringComparison.Ordinal);
    }
}
