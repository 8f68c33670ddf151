namespace CityBrain.Modbus;

/// <summary>What a server serves and how it misbehaves.</summary>
public sealed record ModbusServerOptions
{
    /// <summary>
    /// Maps a unit id to its data store; null means "no such unit" (RTU: silence; TCP: exception 0B). On a serial
    /// line unit 0 is a broadcast: the store returned for 0 executes the write and nobody replies.
    /// </summary>
    public required Func<byte, IModbusDataStore?> ResolveUnit { get; init; }

    /// <summary>Optional fault injection.</summary>
    public IModbusFaultInjector? Faults { get; init; }

    /// <summary>Maximum simultaneous TCP connections; further ones are closed at once. Default 16.</summary>
    public int MaxConnections { get; init; } = 16;

    /// <summary>Idle TCP connections are closed after this long. Default 5 min.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Serves one store at one unit id (and at 255/0 on TCP when <paramref name="anyUnitOnTcp"/>).</summary>
    public static ModbusServerOptions ForSingleUnit(IModbusDataStore store, byte unit, bool anyUnitOnTcp = false) => new()
    {
        ResolveUnit = u => u == unit || u == ModbusLimits.BroadcastUnit || anyUnitOnTcp ? store : null,
    };
}
