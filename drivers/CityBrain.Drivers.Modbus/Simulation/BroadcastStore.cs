using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>Unit 0 on a simulated serial line: writes go to every device, reads are refused (nobody replies anyway).</summary>
internal sealed class BroadcastStore(SimulatedDevice?[] units) : IModbusDataStore
{
    public ModbusExceptionCode ReadBits(ModbusTable table, ushort start, Span<bool> destination) => ModbusExceptionCode.IllegalFunction;

    public ModbusExceptionCode ReadRegisters(ModbusTable table, ushort start, Span<ushort> destination) => ModbusExceptionCode.IllegalFunction;

    public ModbusExceptionCode WriteCoils(ushort start, ReadOnlySpan<bool> values)
    {
        foreach (var device in units)
        {
            device?.WriteCoils(start, values);
        }

        return ModbusExceptionCode.None;
    }

    public ModbusExceptionCode WriteRegisters(ushort start, ReadOnlySpan<ushort> values)
    {
        foreach (var device in units)
        {
            device?.WriteRegisters(start, values);
        }

        return ModbusExceptionCode.None;
    }
}
