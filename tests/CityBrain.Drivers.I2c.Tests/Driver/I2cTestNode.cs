using System.Text.Json;
using CityBrain.Testing.I2c;
using CityBrain.Sensing;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Drivers.I2c.Tests.Driver;

/// <summary>
/// Builds I2C sensors the way the node does — configuration entry → definition checks → <see cref="HardwareContext"/>
/// with the simulated buses registered under <see cref="I2cHardware.DeviceFactoryKey"/> — and polls them.
/// </summary>
public sealed class I2cTestNode : IAsyncDisposable
{
    private readonly I2cDriverDefinition _definition = new();
    private readonly Dictionary<string, ConfiguredBus> _buses = new(StringComparer.Ordinal);
    private readonly List<ISensorDriver> _drivers = [];
    private HardwareContext? _hardware;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 5, 4, 12, 0, 0, TimeSpan.Zero));

    public SimulatedI2cBuses Chips { get; } = new();

    public I2cTestNode Bus(string id, int number, int lockTimeoutMs = 1000)
    {
        _buses[id] = new ConfiguredBus(new BusSpec(id, "i2c", "/buses/" + _buses.Count), new I2cBusFields { BusNumber = number, LockTimeoutMs = lockTimeoutMs });
        return this;
    }

    /// <summary>Checks a sensor entry (the driver's fields as JSON) and returns the errors; empty when it is valid.</summary>
    public List<ConfigError> Check(string fieldsJson, int intervalMs = 10_000)
    {
        var context = new DriverConfigContext(".", _buses);
        using var doc = JsonDocument.Parse(fieldsJson);
        var spec = new SensorSpec("s", "i2c", "/sensors/0", TimeSpan.FromMilliseconds(intervalMs), TimeSpan.FromMilliseconds(intervalMs));
        if (_definition.ReadOptions(doc.RootElement, spec, context) is { } options)
        {
            _definition.CheckNode([new ConfiguredSensor(spec, options)], context);
        }

        return context.Errors;
    }

    /// <summary>A sensor from its driver fields (JSON), checked like the node checks it.</summary>
    public async Task<ISensorDriver> SensorAsync(string id, string fieldsJson, int intervalMs = 10_000)
    {
        var context = new DriverConfigContext(".", _buses);
        using var doc = JsonDocument.Parse(fieldsJson);
        var spec = new SensorSpec(id, "i2c", "/sensors/" + _drivers.Count, TimeSpan.FromMilliseconds(intervalMs), TimeSpan.FromMilliseconds(intervalMs));
        var options = _definition.ReadOptions(doc.RootElement, spec, context);
        Assert.True(options is not null, string.Join("; ", context.Errors));
        if (_hardware is null)
        {
            _hardware = new HardwareContext(Time, buses: _buses);
            _hardware.Register<II2cDeviceFactory>(I2cHardware.DeviceFactoryKey, Chips);
        }

        var driver = await _definition.CreateAsync(new ConfiguredSensor(spec, options!), _hardware, CancellationToken.None);
        _drivers.Add(driver);
        return driver;
    }

    public static async Task<Collected> PollAsync(ISensorDriver driver)
    {
        var collected = new Collected();
        await driver.PollAsync(collected, CancellationToken.None);
        return collected;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var driver in _drivers)
        {
            await driver.DisposeAsync();
        }

        if (_hardware is not null)
        {
            await _hardware.DisposeAsync();
        }
    }
}
