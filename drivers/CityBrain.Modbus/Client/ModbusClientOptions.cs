namespace CityBrain.Modbus;

/// <summary>Per-bus client settings. Defaults suit a 19200-baud RS-485 line or a LAN PLC.</summary>
public sealed record ModbusClientOptions
{
    /// <summary>How long one transaction may take from send to the last response byte. Default 1 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Pause between the end of one transaction and the start of the next on this bus (slow slaves need 10–50 ms;
    /// after a broadcast this is the only wait). Never shorter than the medium's t3.5. Default 0.
    /// </summary>
    public TimeSpan TurnaroundDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long opening the transport (TCP connect) may take. Default 3 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How many garbage bytes the RTU framer may skip while resynchronising. Default 256.</summary>
    public int MaxResyncBytes { get; init; } = 256;

    /// <summary>Throws when a value is outside its range, naming it.</summary>
    public void Validate()
    {
        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "Request timeout must be > 0 and ≤ 1 min.");
        }

        if (TurnaroundDelay < TimeSpan.Zero || TurnaroundDelay > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(TurnaroundDelay), TurnaroundDelay, "Turnaround delay must be 0..10 s.");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "Connect timeout must be > 0.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxResyncBytes);
    }
}
