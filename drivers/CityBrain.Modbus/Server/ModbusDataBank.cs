namespace CityBrain.Modbus;

/// <summary>
/// A plain in-memory data store: all four tables, 65536 items each, every address readable and writable.
/// Thread-safe through one lock (transactions are short).
/// </summary>
public sealed class ModbusDataBank : IModbusDataStore
{
    private readonly bool[] _coils = new bool[65536];
    private readonly bool[] _discreteInputs = new bool[65536];
    private readonly ushort[] _holding = new ushort[65536];
    private readonly ushort[] _input = new ushort[65536];
    private readonly Lock _lock = new();

    public ModbusExceptionCode ReadBits(ModbusTable table, ushort start, Span<bool> destination)
    {
        lock (_lock)
        {
            Bits(table).AsSpan(start, destination.Length).CopyTo(destination);
        }

        return ModbusExceptionCode.None;
    }

    public ModbusExceptionCode ReadRegisters(ModbusTable table, ushort start, Span<ushort> destination)
    {
        lock (_lock)
        {
            Registers(table).AsSpan(start, destination.Length).CopyTo(destination);
        }

        return ModbusExceptionCode.None;
    }

    public ModbusExceptionCode WriteCoils(ushort start, ReadOnlySpan<bool> values)
    {
        SetBits(ModbusTable.Coil, start, values);
        return ModbusExceptionCode.None;
    }

    public ModbusExceptionCode WriteRegisters(ushort start, ReadOnlySpan<ushort> values)
    {
        SetRegisters(ModbusTable.HoldingRegister, start, values);
        return ModbusExceptionCode.None;
    }

    /// <summary>Sets registers in any register table (the simulator fills input registers this way).</summary>
    public void SetRegisters(ModbusTable table, ushort start, ReadOnlySpan<ushort> values)
    {
        lock (_lock)
        {
            values.CopyTo(Registers(table).AsSpan(start));
        }
    }

    /// <summary>Sets bits in any bit table.</summary>
    public void SetBits(ModbusTable table, ushort start, ReadOnlySpan<bool> values)
    {
        lock (_lock)
        {
            values.CopyTo(Bits(table).AsSpan(start));
        }
    }

    private bool[] Bits(ModbusTable table) => table switch
    {
        ModbusTable.Coil => _coils,
        ModbusTable.DiscreteInput => _discreteInputs,
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Not a bit table."),
    };

    private ushort[] Registers(ModbusTable table) => table switch
    {
        ModbusTable.HoldingRegister => _holding,
        ModbusTable.InputRegister => _input,
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Not a register table."),
    };
}
