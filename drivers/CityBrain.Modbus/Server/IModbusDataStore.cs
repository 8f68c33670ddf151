namespace CityBrain.Modbus;

/// <summary>
/// What a Modbus server serves for one unit. Each method returns <see cref="ModbusExceptionCode.None"/> on success
/// or the exception code to answer with (e.g. <see cref="ModbusExceptionCode.IllegalDataAddress"/>). Implementations
/// must be thread-safe: a TCP server calls them from several connections.
/// </summary>
public interface IModbusDataStore
{
    /// <summary>Reads coils or discrete inputs.</summary>
    ModbusExceptionCode ReadBits(ModbusTable table, ushort start, Span<bool> destination);

    /// <summary>Reads holding or input registers.</summary>
    ModbusExceptionCode ReadRegisters(ModbusTable table, ushort start, Span<ushort> destination);

    /// <summary>Writes coils.</summary>
    ModbusExceptionCode WriteCoils(ushort start, ReadOnlySpan<bool> values);

    /// <summary>Writes holding registers.</summary>
    ModbusExceptionCode WriteRegisters(ushort start, ReadOnlySpan<ushort> values);
}
