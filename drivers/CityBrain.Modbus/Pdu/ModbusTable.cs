namespace CityBrain.Modbus;

/// <summary>The four Modbus data tables (MB-APP §4.3).</summary>
public enum ModbusTable
{
    Coil = 0,
    DiscreteInput = 1,
    HoldingRegister = 2,
    InputRegister = 3,
}
