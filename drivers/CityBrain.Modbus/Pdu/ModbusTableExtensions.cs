namespace CityBrain.Modbus;

/// <summary>Helpers mapping tables to read function codes and sizes.</summary>
public static class ModbusTableExtensions
{
    /// <summary>True for coils and discrete inputs (1-bit items).</summary>
    public static bool IsBitTable(this ModbusTable table) => table is ModbusTable.Coil or ModbusTable.DiscreteInput;

    /// <summary>The function code that reads <paramref name="table"/>.</summary>
    public static ModbusFunction ReadFunction(this ModbusTable table) => table switch
    {
        ModbusTable.Coil => ModbusFunction.ReadCoils,
        ModbusTable.DiscreteInput => ModbusFunction.ReadDiscreteInputs,
        ModbusTable.HoldingRegister => ModbusFunction.ReadHoldingRegisters,
        ModbusTable.InputRegister => ModbusFunction.ReadInputRegisters,
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Unknown Modbus table."),
    };

    /// <summary>The spec's maximum items per read request for <paramref name="table"/>.</summary>
    public static int MaxReadCount(this ModbusTable table) =>
        table.IsBitTable() ? ModbusLimits.MaxReadBits : ModbusLimits.MaxReadRegisters;
}
