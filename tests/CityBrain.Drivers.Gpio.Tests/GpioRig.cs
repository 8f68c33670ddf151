using System.Device.Gpio;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using CityBrain.Testing.Gpio;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Drivers.Gpio.Tests;

/// <summary>
/// A node's GPIO hardware in memory: a fake chip behind a real <see cref="GpioController"/>, a fake clock, and a state
/// directory that outlives a "process" (<see cref="RestartAsync"/> builds a fresh chip and context over the same
/// directory, like a service restart). Sensors are built from configuration text through the loader, as on a node.
/// </summary>
internal sealed class GpioRig : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new("gpio");
    private readonly List<ISensorDriver> _drivers = [];

    public GpioRig(FakeTimeProvider? time = null, int pinCount = 28)
    {
        Time = time ?? new FakeTimeProvider(Start);
        Directory.CreateDirectory(_dir.Combine("sys"));
        Definition = new GpioDriverDefinition(new GpioChipDirectory(_dir.Combine("sys")), _ => false);
        Registry = new DriverRegistry().Add(Definition);
        PinCount = pinCount;
        NewHardware();
    }

    public FakeTimeProvider Time { get; }

    public GpioDriverDefinition Definition { get; }

    public DriverRegistry Registry { get; }

    public int PinCount { get; }

    public FakeGpioDriver Chip { get; private set; } = null!;

    public HardwareContext Hardware { get; private set; } = null!;

    public string StateDirectory => _dir.Combine("driver-state");

    /// <summary>Moves the fake clock (the edge timestamps and timers follow it).</summary>
    public void Advance(TimeSpan by) => Time.Advance(by);

    public void Advance(double milliseconds) => Time.Advance(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>A node configuration with <paramref name="sensorsJson"/>, checked by the loader with the GPIO driver.</summary>
    public LoadedNodeConfiguration Load(string sensorsJson) =>
        NodeConfigurationLoader.Parse(NodeJson(sensorsJson), "node.json", Registry);

    public static string NodeJson(string sensorsJson) => $$"""
        {
          "version": 1,
          "node": { "id": "n-gpio-01", "location": { "city": "metropolis", "district": "harbour", "street": "quay-road", "grid": "g-0417" } },
          "mqtt": { "host": "127.0.0.1" },
          "sensors": {{sensorsJson}}
        }
        """;

    /// <summary>Builds the one sensor <paramref name="sensorJson"/> on this rig's chip.</summary>
    public async Task<T> CreateAsync<T>(string sensorJson)
        where T : ISensorDriver
    {
        var loaded = Load("[" + sensorJson + "]");
        var driver = await Definition.CreateAsync(loaded.Sensors[0], Hardware, CancellationToken.None);
        _drivers.Add(driver);
        return (T)driver;
    }

    /// <summary>
    /// A new process: the old drivers are stopped cleanly (<paramref name="clean"/>) or abandoned as a crash leaves
    /// them (nothing saved at stop), and a new chip, controller and context are made over the same state directory.
    /// </summary>
    public async Task RestartAsync(bool clean)
    {
        if (clean)
        {
            foreach (var d in _drivers)
            {
                await d.DisposeAsync();
            }
        }

        _drivers.Clear();
        NewHardware();
    }

    private void NewHardware()
    {
        Chip = new FakeGpioDriver(PinCount);
        Hardware = new HardwareContext(Time, state: new DurableStateStore(StateDirectory));
        GpioHardware.Register(Hardware, new GpioChipHandle(new GpioController(Chip), "gpiochip0 \"fake\"", "FakeGpioDriver"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _drivers)
        {
            await d.DisposeAsync();
        }

        await Hardware.DisposeAsync();
        _dir.Dispose();
    }
}
