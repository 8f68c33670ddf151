using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>A run of raw items in a register dump: registers, or 0/1 bits for coil/discrete tables.</summary>
public sealed record VectorBlock(ModbusTable Table, ushort Start, IReadOnlyList<ushort> Values);
