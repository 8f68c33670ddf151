using Microsoft.Extensions.Logging;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// Turns the node configuration's Modbus buses and sensors into drivers: one <see cref="ModbusBus"/> per bus id,
/// shared by the sensors on it (one transaction in flight per bus), one <see cref="ModbusDeviceDriver"/> per sensor.
/// Owns the buses; dispose it after the drivers.
/// </summary>
public sealed class ModbusDriverFactory : IAsyncDisposable
{
    private readonly Dictionary<string, ModbusBus> _buses = new(StringComparer.Ordinal);
    private readonly TemplateCatalog _templates;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory? _loggerFactory;

    public ModbusDriverFactory(IEnumerable<ModbusBusOptions> buses, TemplateCatalog templates, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(buses);
        ArgumentNullException.ThrowIfNull(templates);
        _templates = templates;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory;
        foreach (var options in buses)
        {
            options.Validate();
            if (_buses.ContainsKey(options.Id))
            {
                throw ModbusConfigurationException.Field("buses[].id", options.Id, "two buses share this id", "give every bus a unique id");
            }

            _buses[options.Id] = ModbusBus.Create(options, _timeProvider);
        }
    }

    /// <summary>Creates the driver for one configured sensor; configuration errors name the field and the fix.</summary>
    public ModbusDeviceDriver CreateDriver(ModbusDeviceOptions options, ModbusResilienceOptions? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!_buses.TryGetValue(options.BusId, out var bus))
        {
            throw ModbusConfigurationException.Field($"sensors[{options.SensorId}].bus", options.BusId, "no Modbus bus has this id", $"use one of: {string.Join(", ", _buses.Keys)}");
        }

        var template = _templates.Get(options.Template, $"sensors[{options.SensorId}].template");
        return new ModbusDeviceDriver(options, template, bus, resilience, _timeProvider, _loggerFactory?.CreateLogger<ModbusDeviceDriver>());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var bus in _buses.Values)
        {
            await bus.DisposeAsync().ConfigureAwait(false);
        }
    }
}
