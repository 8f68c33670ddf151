namespace CityBrain.Modbus;

/// <summary>
/// Base of every error this stack raises. The transient/permanent classification is made once, here, and read by
/// the retry and circuit-breaker policies above the stack; nothing else decides retries.
/// </summary>
public abstract class ModbusException : Exception
{
    protected ModbusException()
    {
    }

    protected ModbusException(string message)
        : base(message)
    {
    }

    protected ModbusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when retrying the same request may succeed (timeout, I/O, CRC, busy, acknowledge, gateway).</summary>
    public abstract bool IsTransient { get; }

    /// <summary>The unit id the failed request addressed, when known.</summary>
    public byte? Unit { get; private set; }

    /// <summary>Where the request went (e.g. <c>tcp://10.0.0.5:502</c>, <c>rtu:/dev/ttyUSB0@9600</c>), when known.</summary>
    public string? Endpoint { get; private set; }

    public override string Message =>
        Endpoint is null ? base.Message : $"{base.Message} (unit {Unit} at {Endpoint})";

    internal void SetContext(byte unit, string endpoint)
    {
        Unit ??= unit;
        Endpoint ??= endpoint;
    }
}
