namespace CityBrain.Modbus;

/// <summary>Quantity and size limits from MB-APP §4.1 and §6 (mirrored by libmodbus).</summary>
public static class ModbusLimits
{
    public const int MaxReadBits = 2000;
    public const int MaxWriteBits = 1968;
    public const int MaxReadRegisters = 125;
    public const int MaxWriteRegisters = 123;
    public const int MaxReadWriteReadRegisters = 125;
    public const int MaxReadWriteWriteRegisters = 121;
    public const int MaxPduLength = 253;
    public const int MaxRtuAduLength = 256;
    public const int MaxTcpAduLength = 260;
    public const int MbapHeaderLength = 7;
    public const byte BroadcastUnit = 0;
    public const byte MaxRtuUnit = 247;
}
