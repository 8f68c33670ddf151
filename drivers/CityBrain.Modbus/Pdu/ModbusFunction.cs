namespace CityBrain.Modbus;

/// <summary>The public function codes this stack speaks (MB-APP §5, §6).</summary>
public enum ModbusFunction : byte
{
    None = 0x00,
    ReadCoils = 0x01,
    ReadDiscreteInputs = 0x02,
    ReadHoldingRegisters = 0x03,
    ReadInputRegisters = 0x04,
    WriteSingleCoil = 0x05,
    WriteSingleRegister = 0x06,
    WriteMultipleCoils = 0x0F,
    WriteMultipleRegisters = 0x10,
    ReadWriteMultipleRegisters = 0x17,
    EncapsulatedInterfaceTransport = 0x2B,
}
