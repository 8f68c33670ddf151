using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>A range of items in one table (e.g. registers a device refuses to read).</summary>
public sealed record AddressRange(ModbusTable Table, ushort Start, int Count)
{
    public int End => Start + Count;

    public bool Overlaps(ModbusTable table, int start, int count) => table == Table && start < End && Start < start + count;
}
