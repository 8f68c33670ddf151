using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>A <c>modbus-rtu</c> bus: one RS-485 line (<c>{"port": "/dev/ttyUSB0", "baud": 9600, "parity": "even"}</c>).</summary>
public sealed record ModbusRtuBusFields : IModbusBusFields
{
    /// <summary>The serial device, e.g. <c>/dev/ttyUSB0</c>.</summary>
    public string Port { get; set; } = "";

    public int Baud { get; set; } = 9600;

    public string Parity { get; set; } = "even";

    public int StopBits { get; set; } = 1;

    public int TimeoutMs { get; set; } = 1000;

    /// <summary>Rest after each transaction (slow slaves); 10 ms by default on RS-485.</summary>
    public int TurnaroundMs { get; set; } = 10;

    public int ConnectTimeoutMs { get; set; } = 3000;

    public ModbusBusOptions ToBusOptions(string id) => new()
    {
        Id = id,
        Kind = ModbusBusKind.Rtu,
        SerialPort = Port,
        BaudRate = Baud,
        Parity = Parity switch
        {
            "none" => SerialParity.None,
            "odd" => SerialParity.Odd,
            _ => SerialParity.Even,
        },
        StopBits = StopBits,
        RequestTimeout = TimeSpan.FromMilliseconds(TimeoutMs),
        TurnaroundDelay = TimeSpan.FromMilliseconds(TurnaroundMs),
        ConnectTimeout = TimeSpan.FromMilliseconds(ConnectTimeoutMs),
    };
}
