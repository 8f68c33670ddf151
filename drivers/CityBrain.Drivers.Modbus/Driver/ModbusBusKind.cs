namespace CityBrain.Drivers.Modbus;

/// <summary>The medium of a bus: Modbus TCP (one connection) or Modbus RTU (one serial line).</summary>
public enum ModbusBusKind
{
    Tcp = 0,
    Rtu = 1,
}
