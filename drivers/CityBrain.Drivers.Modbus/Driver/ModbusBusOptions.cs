using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// One bus of the node configuration (<c>"buses": [{"id": "rs485-1", "kind": "modbus-rtu", "port": "/dev/ttyUSB0",
/// "baud": 9600, "parity": "even", "stopBits": 1, "timeoutMs": 500, "turnaroundMs": 10}]</c>).
/// </summary>
public sealed record ModbusBusOptions
{
    public required string Id { get; init; }

    public ModbusBusKind Kind { get; init; }

    /// <summary>TCP: host name or address.</summary>
    public string? Host { get; init; }

    /// <summary>TCP: port (default 502).</summary>
    public int Port { get; init; } = 502;

    /// <summary>RTU: serial device, e.g. <c>/dev/ttyUSB0</c>.</summary>
    public string? SerialPort { get; init; }

    public int BaudRate { get; init; } = 19200;

    public SerialParity Parity { get; init; } = SerialParity.Even;

    public int StopBits { get; init; } = 1;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan TurnaroundDelay { get; init; } = TimeSpan.Zero;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Maps the node config's <c>kind</c> (<c>modbus-tcp</c>, <c>modbus-rtu</c>).</summary>
    public static ModbusBusKind ParseKind(string kind) => kind switch
    {
        "modbus-tcp" or "tcp" => ModbusBusKind.Tcp,
        "modbus-rtu" or "rtu" => ModbusBusKind.Rtu,
        _ => throw ModbusConfigurationException.Field("buses[].kind", kind, "unknown bus kind", "use \"modbus-tcp\" or \"modbus-rtu\""),
    };

    /// <summary>Throws <see cref="ModbusConfigurationException"/> naming the first bad field.</summary>
    public void Validate()
    {
        string where = $"buses[{Id}]";
        if (string.IsNullOrWhiteSpace(Id))
        {
            throw ModbusConfigurationException.Field("buses[].id", Id, "a bus needs an id", "add \"id\": \"rs485-1\"");
        }

        if (Kind == ModbusBusKind.Tcp && string.IsNullOrWhiteSpace(Host))
        {
            throw ModbusConfigurationException.Field($"{where}.host", Host, "a modbus-tcp bus needs a host", "add \"host\": \"10.0.0.5\"");
        }

        if (Kind == ModbusBusKind.Tcp && Port is < 1 or > 65535)
        {
            throw ModbusConfigurationException.Field($"{where}.port", Port, "port must be 1..65535", "use 502 unless the device says otherwise");
        }

        if (Kind == ModbusBusKind.Rtu && string.IsNullOrWhiteSpace(SerialPort))
        {
            throw ModbusConfigurationException.Field($"{where}.port", SerialPort, "a modbus-rtu bus needs a serial port", "add \"port\": \"/dev/ttyUSB0\"");
        }

        if (Kind == ModbusBusKind.Rtu && BaudRate is < 300 or > 4_000_000)
        {
            throw ModbusConfigurationException.Field($"{where}.baud", BaudRate, "baud must be 300..4000000", "use the device's setting, typically 9600 or 19200");
        }

        if (StopBits is not (1 or 2))
        {
            throw ModbusConfigurationException.Field($"{where}.stopBits", StopBits, "stop bits must be 1 or 2", "use 1 with parity, 2 without");
        }

        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromMinutes(1))
        {
            throw ModbusConfigurationException.Field($"{where}.timeoutMs", RequestTimeout.TotalMilliseconds, "timeout must be 1..60000 ms", "use 500-1000 ms on RS-485, 1000 ms on TCP");
        }

        if (TurnaroundDelay < TimeSpan.Zero || TurnaroundDelay > TimeSpan.FromSeconds(10))
        {
            throw ModbusConfigurationException.Field($"{where}.turnaroundMs", TurnaroundDelay.TotalMilliseconds, "turnaround must be 0..10000 ms", "slow slaves need 10-50 ms");
        }
    }

    /// <summary>The client settings these options imply.</summary>
    public ModbusClientOptions ToClientOptions() => new()
    {
        RequestTimeout = RequestTimeout,
        TurnaroundDelay = TurnaroundDelay,
        ConnectTimeout = ConnectTimeout,
    };
}
