using System.Text;
using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Framing;

public sealed class Crc16Tests
{
    [Fact]
    public void Compute_CheckString123456789_Is4B37()
    {
        Assert.Equal(0x4B37, Crc16.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Theory]
    [InlineData("01 03 00 00 00 0A", "C5CD")]
    [InlineData("11 03 00 6B 00 03", "7687")]
    [InlineData("01 04 00 00 00 01", "31CA")]
    public void Append_SpecVectors_LowByteFirst(string body, string wire)
    {
        var frame = Hex.Rtu(body);
        Assert.Equal(wire, Hex.Of(frame.AsSpan(^2)));
        Assert.True(Crc16.Check(frame));
    }

    [Fact]
    public void Check_FlippedBit_Fails()
    {
        var frame = Hex.Rtu("01 03 00 00 00 0A");
        frame[3] ^= 0x10;
        Assert.False(Crc16.Check(frame));
        Assert.False(Crc16.Check(frame.AsSpan(0, 2)));
    }
}
