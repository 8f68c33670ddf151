namespace CityBrain.Drivers.Modbus;

/// <summary>A <c>modbus-tcp</c> bus: one TCP connection to a device or gateway (<c>{"host": "10.0.0.5", "port": 502}</c>).</summary>
public sealed record ModbusTcpBusFields : IModbusBusFields
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 502;

    public int TimeoutMs { get; set; } = 1000;

    /// <summary>Rest after each transaction; 0 on TCP (the MBAP header frames requests; a pause only caps the rate).</summary>
    public int TurnaroundMs { get; set; }

    public int ConnectTimeoutMs { get; set; } = 3000;

    public ModbusBusOptions ToBusOptions(string id) => new()
    {
        Id = id,
        Kind = ModbusBusKind.Tcp,
        Host = Host,
        Port = Port,
        RequestTimeout = TimeSpan.FromMilliseconds(TimeoutMs),
        TurnaroundDelay = TimeSpan.FromMilliseconds(TurnaroundMs),
        ConnectTimeout = TimeSpan.FromMilliseconds(ConnectTimeoutMs),
    };
}
