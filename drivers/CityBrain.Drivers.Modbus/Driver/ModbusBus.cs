using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// One physical bus (RS-485 line or TCP connection) shared by the devices on it. Its client runs one transaction at a
/// time in arrival order, so devices take turns; a dead device is kept off the bus by its own circuit breaker
/// (see <see cref="ModbusDeviceDriver"/>), never by blocking its neighbours for longer than one request timeout.
/// </summary>
public sealed class ModbusBus : IAsyncDisposable
{
    public ModbusBus(string id, ModbusClient client)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(client);
        Id = id;
        Client = client;
    }

    public string Id { get; }

    public ModbusClient Client { get; }

    /// <summary>Creates the bus and its client (TCP connection or serial line) from validated options.</summary>
    public static ModbusBus Create(ModbusBusOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clientOptions = options.ToClientOptions();
        var client = options.Kind == ModbusBusKind.Tcp
            ? ModbusClient.CreateTcp(options.Host!, options.Port, clientOptions, timeProvider)
            : ModbusClient.CreateRtu(new SerialLineSettings(options.SerialPort!, options.BaudRate, options.Parity, options.StopBits), clientOptions, timeProvider);
        return new ModbusBus(options.Id, client);
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
