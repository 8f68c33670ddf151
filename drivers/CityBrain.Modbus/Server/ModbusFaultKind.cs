namespace CityBrain.Modbus;

/// <summary>What a server does instead of (or on top of) a normal reply, for fault injection.</summary>
public enum ModbusFaultKind
{
    /// <summary>Reply normally.</summary>
    None = 0,

    /// <summary>Reply with an exception response carrying the given code.</summary>
    Exception = 1,

    /// <summary>Reply after a delay (beyond the client's timeout, typically).</summary>
    Delay = 2,

    /// <summary>Do not reply at all.</summary>
    Drop = 3,

    /// <summary>Reply with a corrupted frame: wrong CRC on RTU, a wrong byte count on TCP.</summary>
    Corrupt = 4,

    /// <summary>Send random bytes before the reply (RTU line noise; on TCP this desynchronises the stream).</summary>
    Garbage = 5,
}
