namespace CityBrain.Modbus;

/// <summary>Serial parity (Modbus RTU default: even; with none, use 2 stop bits).</summary>
public enum SerialParity
{
    Even = 0,
    None = 1,
    Odd = 2,
}
