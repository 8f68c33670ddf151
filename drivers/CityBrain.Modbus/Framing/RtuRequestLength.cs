namespace CityBrain.Modbus;

/// <summary>Server side of RTU framing: the full ADU length of a request from its first bytes.</summary>
public static class RtuRequestLength
{
    /// <summary>0: need more bytes; -1: not a request this stack knows (skip a byte); otherwise the ADU length.</summary>
    public static int Measure(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 2)
        {
            return 0;
        }

        int length = (ModbusFunction)frame[1] switch
        {
            ModbusFunction.ReadCoils or ModbusFunction.ReadDiscreteInputs or ModbusFunction.ReadHoldingRegisters
                or ModbusFunction.ReadInputRegisters or ModbusFunction.WriteSingleCoil or ModbusFunction.WriteSingleRegister => 8,
            ModbusFunction.WriteMultipleCoils or ModbusFunction.WriteMultipleRegisters => frame.Length < 7 ? 0 : 9 + frame[6],
            ModbusFunction.ReadWriteMultipleRegisters => frame.Length < 11 ? 0 : 13 + frame[10],
            ModbusFunction.EncapsulatedInterfaceTransport => 7,
            _ => -1,
        };
        return length > ModbusLimits.MaxRtuAduLength ? -1 : length;
    }
}
