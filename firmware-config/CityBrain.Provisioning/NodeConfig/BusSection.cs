namespace CityBrain.Provisioning.NodeConfig;

/// <summary>A field bus the node drives: a Modbus TCP connection or an RS-485 Modbus RTU line.</summary>
public sealed record BusSection
{
    public const string ModbusTcp = "modbus-tcp";
    public const string ModbusRtu = "modbus-rtu";

    public required string Id { get; init; }

    public required string Kind { get; init; }

    /// <summary>modbus-tcp: host name or address.</summary>
    public string? Host { get; init; }

    /// <summary>modbus-tcp: TCP port (default 502); modbus-rtu: serial device path such as <c>/dev/ttyUSB0</c>.</summary>
    public System.Text.Json.JsonElement? Port { get; init; }

    public int Baud { get; set; } = 9600;

    public string Parity { get; set; } = "even";

    public int StopBits { get; set; } = 1;

    public int TimeoutMs { get; set; } = 1000;

    /// <summary>Rest after each transaction. Default: 10 ms on an RTU line (slow slaves), 0 on Modbus TCP (the MBAP
    /// header frames requests; a pause there only caps the connection below 100 transactions/s).</summary>
    public int? TurnaroundMs { get; init; }

    public int EffectiveTurnaroundMs => TurnaroundMs ?? (Kind == ModbusTcp ? 0 : 10);

    public int ConnectTimeoutMs { get; set; } = 3000;

    public int TcpPort => Port is { ValueKind: System.Text.Json.JsonValueKind.Number } p ? p.GetInt32() : 502;

    public string? SerialPort => Port is { ValueKind: System.Text.Json.JsonValueKind.String } p ? p.GetString() : null;
}
