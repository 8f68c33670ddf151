using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Pdu;

/// <summary>Request PDUs against the examples of MB-APP §6 (addresses are the spec's 0-based ones).</summary>
public sealed class RequestPduTests
{
    private readonly byte[] _pdu = new byte[253];

    [Theory]
    [InlineData(ModbusFunction.ReadCoils, 0x13, 0x13, "0100130013")]
    [InlineData(ModbusFunction.ReadDiscreteInputs, 0xC4, 0x16, "0200C40016")]
    [InlineData(ModbusFunction.ReadHoldingRegisters, 0x6B, 3, "03006B0003")]
    [InlineData(ModbusFunction.ReadInputRegisters, 0x08, 1, "0400080001")]
    public void WriteRead_SpecExamples(ModbusFunction function, int start, int count, string expected)
    {
        int n = ModbusRequestPdu.WriteRead(_pdu, function, (ushort)start, count);
        Assert.Equal(expected, Hex.Of(_pdu.AsSpan(0, n)));
    }

    [Fact]
    public void WriteSingleCoil_On_FF00()
    {
        int n = ModbusRequestPdu.WriteSingleCoil(_pdu, 0xAC, true);
        Assert.Equal("0500ACFF00", Hex.Of(_pdu.AsSpan(0, n)));
        n = ModbusRequestPdu.WriteSingleCoil(_pdu, 0xAC, false);
        Assert.Equal("0500AC0000", Hex.Of(_pdu.AsSpan(0, n)));
    }

    [Fact]
    public void WriteSingleRegister_SpecExample()
    {
        int n = ModbusRequestPdu.WriteSingleRegister(_pdu, 1, 3);
        Assert.Equal("0600010003", Hex.Of(_pdu.AsSpan(0, n)));
    }

    [Fact]
    public void WriteMultipleCoils_SpecExample_PacksLsbFirst()
    {
        // MB-APP §6.11: coils 20..29 = 1011 0011 / 01 → bytes CD 01.
        bool[] values = [true, false, true, true, false, false, true, true, true, false];
        int n = ModbusRequestPdu.WriteMultipleCoils(_pdu, 0x13, values);
        Assert.Equal("0F0013000A02CD01", Hex.Of(_pdu.AsSpan(0, n)));
    }

    [Fact]
    public void WriteMultipleRegisters_SpecExample()
    {
        int n = ModbusRequestPdu.WriteMultipleRegisters(_pdu, 1, [0x000A, 0x0102]);
        Assert.Equal("100001000204000A0102", Hex.Of(_pdu.AsSpan(0, n)));
    }

    [Fact]
    public void ReadWriteMultiple_SpecExample()
    {
        int n = ModbusRequestPdu.WriteReadWriteMultiple(_pdu, 3, 6, 0x0E, [0x00FF, 0x00FF, 0x00FF]);
        Assert.Equal("1700030006000E00030600FF00FF00FF", Hex.Of(_pdu.AsSpan(0, n)));
    }

    [Fact]
    public void ReadDeviceIdentification_BasicStream()
    {
        int n = ModbusRequestPdu.WriteReadDeviceIdentification(_pdu, 1, 0);
        Assert.Equal("2B0E0100", Hex.Of(_pdu.AsSpan(0, n)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusRequestPdu.WriteReadDeviceIdentification(_pdu, 5, 0));
    }

    [Theory]
    [InlineData(ModbusFunction.ReadHoldingRegisters, 0)]
    [InlineData(ModbusFunction.ReadHoldingRegisters, 126)]
    [InlineData(ModbusFunction.ReadInputRegisters, 126)]
    [InlineData(ModbusFunction.ReadCoils, 2001)]
    [InlineData(ModbusFunction.ReadDiscreteInputs, 0)]
    public void WriteRead_QuantityOutsideSpec_ThrowsBeforeSending(ModbusFunction function, int count)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ModbusRequestPdu.WriteRead(_pdu, function, 0, count));
        Assert.Contains("items per request", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_AtTheEdges()
    {
        Assert.Equal(5, ModbusRequestPdu.WriteRead(_pdu, ModbusFunction.ReadHoldingRegisters, 0, 125));
        Assert.Equal(5, ModbusRequestPdu.WriteRead(_pdu, ModbusFunction.ReadCoils, 0, 2000));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusRequestPdu.WriteMultipleRegisters(_pdu, 0, new ushort[124]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusRequestPdu.WriteMultipleCoils(_pdu, 0, new bool[1969]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusRequestPdu.WriteReadWriteMultiple(_pdu, 0, 1, 0, new ushort[122]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusRequestPdu.WriteRead(_pdu, ModbusFunction.ReadHoldingRegisters, 65535, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModbusRequestPdu.WriteRead(_pdu, ModbusFunction.WriteSingleCoil, 0, 1));
        Assert.Equal(6 + 246, ModbusRequestPdu.WriteMultipleRegisters(_pdu, 0, new ushort[123]));
    }
}
