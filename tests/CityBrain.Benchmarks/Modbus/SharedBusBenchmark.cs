using System.Diagnostics;
using System.Diagnostics.Metrics;
using CityBrain.Drivers.Modbus;
using CityBrain.Modbus;
using CityBrain.Sensing;
using CityBrain.Testing.Serial;

namespace CityBrain.Benchmarks.Modbus;

/// <summary>
/// Issue 3: "a bus with one device that never answers: the other devices' poll rate stays within 10% of normal."
/// One RTU line (a socat pty pair, 19200 baud 8N2, 500 ms request timeout) with healthy simulated units, polled through
/// the real drivers with the product's default resilience settings, for a window without and then with one more unit
/// that never answers (its breaker opening and probes fall inside the window). Two load shapes: paced (each device
/// every <see cref="PacedInterval"/>, the normal case) and saturated (healthy units back-to-back, the line never idle,
/// where every millisecond the dead unit holds the line is lost to its neighbours: the worst case; the dead unit keeps
/// its interval, as every configured sensor has one).
/// </summary>
internal static class SharedBusBenchmark
{
    private const string TemplateName = "air-quality-pm2510";
    private const int Healthy = 4;
    private const byte DeadUnit = 9;
    private static readonly TimeSpan PacedInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    public static async Task RunAsync(string templates, TimeSpan window, CancellationToken cancellationToken)
    {
        var template = await TemplateLoader.LoadFileAsync(Path.Combine(templates, TemplateName + ".json"), cancellationToken);
        Console.WriteLine($"BUS  one RTU line (pty, 19200 8N2, timeout {Timeout.TotalMilliseconds:0} ms): {Healthy} x {TemplateName} + unit {DeadUnit} that never answers; default resilience; {window.TotalSeconds:0} s per run");
        foreach (var interval in new[] { PacedInterval, TimeSpan.Zero })
        {
            var normal = await MeasureAsync(template, interval, withDead: false, window, cancellationToken);
            var degraded = await MeasureAsync(template, interval, withDead: true, window, cancellationToken);
            double ratio = degraded.PollsPerSecond / normal.PollsPerSecond;
            double worst = Enumerable.Range(0, Healthy).Min(i => degraded.PerDevice[i] / (double)normal.PerDevice[i]);
            string shape = interval > TimeSpan.Zero ? $"paced, each every {interval.TotalMilliseconds:0} ms" : "saturated, back-to-back";
            Console.WriteLine($"BUS  {shape,-30} neighbours' good polls/s: {normal.PollsPerSecond,7:N1} alone, {degraded.PollsPerSecond,7:N1} with the dead unit = {ratio:P1} (worst device {worst:P1}; target >= 90%)");
            Console.WriteLine($"BUS  {"",-30} dead unit: {degraded.DeadTimeouts} timed-out requests ({degraded.DeadTimeouts * Timeout.TotalSeconds:N1} s of line time), {degraded.DeadCircuitOpenPolls} polls failed fast (circuit open)");
        }
    }

    private static async Task<Result> MeasureAsync(DeviceTemplate template, TimeSpan interval, bool withDead, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var pty = await PtyPair.StartAsync(cancellationToken);
        await using var simulator = new ModbusSimulator();
        for (int unit = 1; unit <= Healthy; unit++)
        {
            simulator.AddDevice((byte)unit, new SimulatedDevice(template, seed: unit));
        }

        var line = new SerialLineSettings(pty.A, 19200, SerialParity.None, 2);
        await simulator.StartRtuAsync(new SerialTransport(line), cancellationToken);
        await using var bus = ModbusBus.Create(new ModbusBusOptions { Id = "rs485-1", Kind = ModbusBusKind.Rtu, SerialPort = pty.B, BaudRate = 19200, Parity = SerialParity.None, StopBits = 2, RequestTimeout = Timeout });
        var drivers = new List<ModbusDeviceDriver>();
        for (int unit = 1; unit <= Healthy; unit++)
        {
            drivers.Add(new ModbusDeviceDriver(new ModbusDeviceOptions { SensorId = $"aq-{unit}", BusId = bus.Id, UnitId = (byte)unit, Template = TemplateName, PollInterval = PacedInterval }, template, bus));
        }

        // Warm-up (JIT, pty) before the window, healthy units only.
        var warmUp = new Collector();
        foreach (var driver in drivers)
        {
            for (int i = 0; i < 20; i++)
            {
                await driver.PollAsync(warmUp.Reset(), cancellationToken);
            }
        }

        if (withDead)
        {
            drivers.Add(new ModbusDeviceDriver(new ModbusDeviceOptions { SensorId = "aq-dead", BusId = bus.Id, UnitId = DeadUnit, Template = TemplateName, PollInterval = PacedInterval }, template, bus));
        }

        var counts = new int[drivers.Count];
        int deadTimeouts = 0;
        int deadOpen = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ModbusDriverMetrics.MeterName && instrument.Name == "citybrain.modbus.request.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            bool dead = false;
            bool timeout = false;
            foreach (var tag in tags)
            {
                dead |= tag.Key == "sensor" && (string?)tag.Value == "aq-dead";
                timeout |= tag.Key == "reason" && (string?)tag.Value == FaultCodes.Timeout;
            }

            if (dead && timeout)
            {
                Interlocked.Increment(ref deadTimeouts);
            }
        });
        listener.Start();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(drivers.Select(async (driver, index) =>
        {
            var collector = new Collector();
            var next = TimeSpan.Zero;
            var every = driver.Unit == DeadUnit ? PacedInterval : interval; // a real runner always has an interval
            while (clock.Elapsed < window)
            {
                await driver.PollAsync(collector.Reset(), cancellationToken);
                if (collector.Faults.Count == 0 && collector.Readings == driver.Quantities.Count)
                {
                    counts[index]++;
                }
                else if (driver.Unit == DeadUnit && collector.Faults.All(f => f.Code == FaultCodes.CircuitOpen))
                {
                    deadOpen++;
                }

                next += every;
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }
                else if (every > TimeSpan.Zero)
                {
                    next = clock.Elapsed;
                }
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        foreach (var driver in drivers)
        {
            await driver.DisposeAsync();
        }

        return new Result(counts.Take(Healthy).Sum() / seconds, counts.Take(Healthy).ToArray(), deadTimeouts, deadOpen);
    }

    private sealed record Result(double PollsPerSecond, int[] PerDevice, int DeadTimeouts, int DeadCircuitOpenPolls);

    private sealed class Collector : IReadingCollector
    {
        public int Readings { get; private set; }

        public List<SensorFault> Faults { get; } = [];

        public Collector Reset()
        {
            Readings = 0;
            Faults.Clear();
            return this;
        }

        public void Add(in Reading reading) => Readings++;

        public void AddFault(SensorFault fault) => Faults.Add(fault);
    }
}
