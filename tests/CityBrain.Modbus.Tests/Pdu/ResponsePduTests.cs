using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Pdu;

/// <summary>Response PDUs against the examples of MB-APP §6, every exception code, and malformed responses.</summary>
public sealed class ResponsePduTests
{
    [Fact]
    public void ReadBits_SpecExampleFc01()
    {
        var bits = new bool[19];
        ModbusResponsePdu.ReadBits(Hex.Bytes("0103CD6B05"), ModbusFunction.ReadCoils, bits);
        // Coils 27..20 = CD (1100 1101), 35..28 = 6B, 38..36 = 101.
        Assert.Equal("1011001111010110101", string.Concat(bits.Select(b => b ? '1' : '0')));
    }

    [Fact]
    public void ReadBits_SpecExampleFc02_AsWords()
    {
        var bits = new ushort[22];
        ModbusResponsePdu.ReadBits(Hex.Bytes("0203ACDB35"), ModbusFunction.ReadDiscreteInputs, bits);
        Assert.Equal(0, bits[0]);
        Assert.Equal(1, bits[2]);
        Assert.Equal(1, bits[21]);
    }

    [Fact]
    public void ReadRegisters_SpecExampleFc03()
    {
        var registers = new ushort[3];
        ModbusResponsePdu.ReadRegisters(Hex.Bytes("0306022B00000064"), ModbusFunction.ReadHoldingRegisters, registers);
        Assert.Equal([555, 0, 100], registers);
    }

    [Fact]
    public void ReadRegisters_SpecExampleFc04AndFc17()
    {
        var one = new ushort[1];
        ModbusResponsePdu.ReadRegisters(Hex.Bytes("0402000A"), ModbusFunction.ReadInputRegisters, one);
        Assert.Equal(10, one[0]);
        var six = new ushort[6];
        ModbusResponsePdu.ReadRegisters(Hex.Bytes("170C00FE0ACD00010003000D00FF"), ModbusFunction.ReadWriteMultipleRegisters, six);
        Assert.Equal([0xFE, 0xACD, 1, 3, 0xD, 0xFF], six);
    }

    [Theory]
    [InlineData("0500ACFF00", "0500ACFF00")]
    [InlineData("0600010003", "0600010003")]
    [InlineData("0F0013000A02CD01", "0F0013000A")]
    [InlineData("10000100020400 0A0102", "1000010002")]
    public void CheckWriteEcho_SpecExamples(string request, string response)
    {
        ModbusResponsePdu.CheckWriteEcho(Hex.Bytes(response), Hex.Bytes(request));
    }

    [Fact]
    public void CheckWriteEcho_Mismatch_IsProtocolError()
    {
        Assert.Throws<ModbusProtocolException>(() => ModbusResponsePdu.CheckWriteEcho(Hex.Bytes("0600010004"), Hex.Bytes("0600010003")));
        Assert.Throws<ModbusProtocolException>(() => ModbusResponsePdu.CheckWriteEcho(Hex.Bytes("06000100"), Hex.Bytes("0600010003")));
    }

    [Theory]
    [InlineData(0x01, ModbusExceptionCode.IllegalFunction, false)]
    [InlineData(0x02, ModbusExceptionCode.IllegalDataAddress, false)]
    [InlineData(0x03, ModbusExceptionCode.IllegalDataValue, false)]
    [InlineData(0x04, ModbusExceptionCode.ServerDeviceFailure, false)]
    [InlineData(0x05, ModbusExceptionCode.Acknowledge, true)]
    [InlineData(0x06, ModbusExceptionCode.ServerDeviceBusy, true)]
    [InlineData(0x07, ModbusExceptionCode.NegativeAcknowledge, false)]
    [InlineData(0x08, ModbusExceptionCode.MemoryParityError, false)]
    [InlineData(0x0A, ModbusExceptionCode.GatewayPathUnavailable, false)]
    [InlineData(0x0B, ModbusExceptionCode.GatewayTargetDeviceFailedToRespond, true)]
    public void ExceptionResponse_EveryCode_IsTypedAndClassified(byte code, ModbusExceptionCode expected, bool transient)
    {
        var ex = Assert.Throws<ModbusDeviceException>(() => ModbusResponsePdu.ReadRegisters([0x83, code], ModbusFunction.ReadHoldingRegisters, new ushort[1]));
        Assert.Equal(expected, ex.Code);
        Assert.Equal(ModbusFunction.ReadHoldingRegisters, ex.Function);
        Assert.Equal(transient, ex.IsTransient);
        Assert.Contains($"{code:X2}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("04020001", "wrong function")]
    [InlineData("0304022B0000", "byte count disagrees with request")]
    [InlineData("0306022B", "truncated")]
    [InlineData("0306022B0000006400", "too long")]
    [InlineData("830202", "exception with extra byte")]
    public void ReadRegisters_Malformed_IsProtocolError(string hex, string why)
    {
        Assert.True(why.Length > 0);
        Assert.Throws<ModbusProtocolException>(() => ModbusResponsePdu.ReadRegisters(Hex.Bytes(hex), ModbusFunction.ReadHoldingRegisters, new ushort[3]));
    }

    [Fact]
    public void DeviceIdentification_ParsesObjects()
    {
        // 2B 0E 01 01 00 00 03 | 00 "Company" | 01 "Prod" | 02 "V2.1"
        var response = Hex.Bytes("2B0E0101000003" + "0007" + Hex.Of("Company"u8) + "0104" + Hex.Of("Prod"u8) + "0204" + Hex.Of("V2.1"u8));
        var id = ModbusDeviceIdentification.Parse(response);
        Assert.Equal("Company", id.Objects[0]);
        Assert.Equal("Prod", id.Objects[1]);
        Assert.Equal("V2.1", id.Objects[2]);
        Assert.False(id.MoreFollows);
        Assert.Throws<ModbusProtocolException>(() => ModbusDeviceIdentification.Parse(response.AsSpan(0, response.Length - 1)));
    }

    [Theory]
    [InlineData("0100130013", 2 + 3)]
    [InlineData("03006B0003", 2 + 6)]
    [InlineData("0600010003", 5)]
    [InlineData("17000300060000", 2 + 12)]
    [InlineData("2B0E0100", -1)]
    public void ExpectedLength_PerFunction(string request, int expected)
    {
        Assert.Equal(expected, ModbusResponsePdu.ExpectedLength(Hex.Bytes(request)));
    }
}
