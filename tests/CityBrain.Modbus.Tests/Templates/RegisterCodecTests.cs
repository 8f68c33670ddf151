using CityBrain.Drivers.Modbus;

namespace CityBrain.Modbus.Tests.Templates;

public sealed class RegisterCodecTests
{
    [Theory]
    [InlineData(WordOrder.ABCD, 0x42F6, 0xE979)]
    [InlineData(WordOrder.CDAB, 0xE979, 0x42F6)]
    [InlineData(WordOrder.BADC, 0xF642, 0x79E9)]
    [InlineData(WordOrder.DCBA, 0x79E9, 0xF642)]
    public void Float32_123_456_InEveryOrder(WordOrder order, int first, int second)
    {
        ushort[] registers = [(ushort)first, (ushort)second];
        Assert.Equal(123.456f, (float)RegisterCodec.Decode(registers, PointType.Float32, order));
        var encoded = new ushort[2];
        RegisterCodec.Encode(123.456f, PointType.Float32, order, encoded);
        Assert.Equal(registers, encoded);
    }

    [Fact]
    public void Float32_One_Abcd()
    {
        Assert.Equal(1.0, RegisterCodec.Decode([0x3F80, 0x0000], PointType.Float32, WordOrder.ABCD));
    }

    [Theory]
    [InlineData(WordOrder.ABCD, "0102 0304 0506 0708")]
    [InlineData(WordOrder.CDAB, "0708 0506 0304 0102")]
    [InlineData(WordOrder.BADC, "0201 0403 0605 0807")]
    [InlineData(WordOrder.DCBA, "0807 0605 0403 0201")]
    public void UInt64_OrdersSpanFourWords(WordOrder order, string words)
    {
        ushort[] registers = [.. words.Split(' ').Select(w => Convert.ToUInt16(w, 16))];
        Assert.Equal((double)0x0102030405060708UL, RegisterCodec.Decode(registers, PointType.UInt64, order));
    }

    public static TheoryData<PointType, WordOrder, double> RoundTrips()
    {
        var data = new TheoryData<PointType, WordOrder, double>();
        foreach (var order in Enum.GetValues<WordOrder>())
        {
            data.Add(PointType.Int16, order, -12345);
            data.Add(PointType.UInt16, order, 54321);
            data.Add(PointType.Int32, order, -1234567890);
            data.Add(PointType.UInt32, order, 3234567890);
            data.Add(PointType.Int64, order, -1234567890123456);
            data.Add(PointType.UInt64, order, 9007199254740991);
            data.Add(PointType.Float32, order, -0.15625);
            data.Add(PointType.Float64, order, 15234.7512345678);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void EveryTypeAndOrder_RoundTrips(PointType type, WordOrder order, double value)
    {
        var registers = new ushort[RegisterCodec.ItemCount(type)];
        RegisterCodec.Encode(value, type, order, registers);
        Assert.Equal(value, RegisterCodec.Decode(registers, type, order));
    }

    [Fact]
    public void Bit_InRegister_ReadsAndWritesOneBit()
    {
        ushort[] register = [0b1000];
        Assert.Equal(1, RegisterCodec.Decode(register, PointType.Bit, WordOrder.ABCD, bit: 3));
        Assert.Equal(0, RegisterCodec.Decode(register, PointType.Bit, WordOrder.ABCD, bit: 2));
        RegisterCodec.Encode(1, PointType.Bit, WordOrder.ABCD, register, bit: 0);
        Assert.Equal(0b1001, register[0]);
    }

    [Fact]
    public void String_HighByteFirst_NulPadded()
    {
        var registers = new ushort[4];
        RegisterCodec.EncodeString("AB-1", registers);
        Assert.Equal(0x4142, registers[0]);
        Assert.Equal("AB-1", RegisterCodec.DecodeString(registers));
        Assert.Equal("SN", RegisterCodec.DecodeString([0x534E, 0x2020]));
    }

    [Fact]
    public void Encode_SaturatesIntegerTypes()
    {
        var registers = new ushort[1];
        RegisterCodec.Encode(70000, PointType.UInt16, WordOrder.ABCD, registers);
        Assert.Equal(ushort.MaxValue, registers[0]);
        RegisterCodec.Encode(-5, PointType.UInt16, WordOrder.ABCD, registers);
        Assert.Equal(0, registers[0]);
    }
}
