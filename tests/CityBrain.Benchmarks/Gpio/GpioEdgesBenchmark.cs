using System.Device.Gpio;
using System.Diagnostics;
using System.Globalization;
using CityBrain.Drivers.Gpio;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using CityBrain.Testing.Gpio;
using CityBrain.Testing.Sensing;

namespace CityBrain.Benchmarks.Gpio;

/// <summary>
/// The GPIO edge path: N edges raised on the fake chip go through the real <see cref="GpioController"/> callback,
/// the driver's edge handler (timestamp from the clock, lock, debounce) and the pulse counter, as on a node. Prints
/// edges per second, whether every edge was counted (counted == raised), and process CPU time per edge — upstream
/// users reported edge callbacks costing ~12% CPU for one pin. Excludes the kernel and libgpiod (no hardware here).
/// </summary>
public sealed class GpioEdgesBenchmark : IBenchmark
{
    public string Name => "gpio-edges";

    public string Description => "edges/s through the fake GPIO driver into the pulse counter, counted exactly, CPU per edge ([--edges N] [--rounds N])";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        long edges = Arg(args, "--edges", 2_000_000);
        int rounds = (int)Arg(args, "--rounds", 3);
        Console.WriteLine($"gpio-edges: {edges:N0} edges per round, {rounds} rounds; counter on both edges, debounce 0 (each edge is a pulse)");
        bool allExact = true;
        for (int round = 1; round <= rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            var (raised, counted, wall, cpu) = await RunRoundAsync(edges, cancellationToken);
            bool exact = raised == counted;
            allExact &= exact;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"round {round}: raised {raised:N0}, counted {counted:N0} ({(exact ? "exact" : "MISMATCH")}), {raised / wall.TotalSeconds:N0} edges/s, CPU {cpu.TotalMilliseconds * 1e6 / raised:N0} ns/edge ({cpu.TotalMilliseconds:N0} ms CPU over {wall.TotalMilliseconds:N0} ms)"));
        }

        return allExact ? 0 : 1;
    }

    private static async Task<(long Raised, long Counted, TimeSpan Wall, TimeSpan Cpu)> RunRoundAsync(long edges, CancellationToken cancellationToken)
    {
        const int Pin = 17;
        var chip = new FakeGpioDriver();
        await using var hardware = new HardwareContext(TimeProvider.System);
        GpioHardware.Register(hardware, new GpioChipHandle(new GpioController(chip), "gpiochip0 \"fake\"", "FakeGpioDriver"));
        var sensor = new ConfiguredSensor(
            new SensorSpec("bench-01", "gpio", "/sensors/0", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)),
            new GpioSensorFields { Mode = "counter", Pin = Pin, Edge = "both", DebounceMs = 0 });
        await using var driver = (PulseCounterDriver)await new GpioDriverDefinition().CreateAsync(sensor, hardware, cancellationToken);

        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var level = PinValue.High; // a counter's pin opens pulled up
        for (long i = 0; i < edges; i++)
        {
            level = level == PinValue.High ? PinValue.Low : PinValue.High;
            chip.Set(Pin, level);
        }

        clock.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var readings = new ReadingList();
        await driver.PollAsync(readings, cancellationToken);
        return (chip.EdgesRaised, (long)readings.Single("pulse_count"), clock.Elapsed, cpu);
    }

    private static long Arg(string[] args, string name, long fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
