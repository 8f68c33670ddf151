using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Server;

/// <summary>The server side of every function against the request/response examples of MB-APP §6.</summary>
public sealed class RequestProcessorTests
{
    private readonly ModbusDataBank _bank = new();
    private readonly byte[] _response = new byte[253];

    public RequestProcessorTests()
    {
        // MB-APP §6.1 coils 20..38 = CD 6B 05; §6.2 inputs 197..218 = AC DB 35; §6.3 registers 108..110; §6.4 register 9.
        var coils = new bool[19];
        BitPacking.Unpack(Hex.Bytes("CD6B05"), coils);
        _bank.SetBits(ModbusTable.Coil, 0x13, coils);
        var inputs = new bool[22];
        BitPacking.Unpack(Hex.Bytes("ACDB35"), inputs);
        _bank.SetBits(ModbusTable.DiscreteInput, 0xC4, inputs);
        _bank.SetRegisters(ModbusTable.HoldingRegister, 0x6B, [0x022B, 0x0000, 0x0064]);
        _bank.SetRegisters(ModbusTable.InputRegister, 0x08, [0x000A]);
        _bank.SetRegisters(ModbusTable.HoldingRegister, 0x03, [0x00FE, 0x0ACD, 0x0001, 0x0003, 0x000D, 0x00FF]);
    }

    [Theory]
    [InlineData("0100130013", "0103CD6B05")]
    [InlineData("0200C40016", "0203ACDB35")]
    [InlineData("03006B0003", "0306022B00000064")]
    [InlineData("0400080001", "0402000A")]
    [InlineData("0500ACFF00", "0500ACFF00")]
    [InlineData("0600010003", "0600010003")]
    [InlineData("0F0013000A02CD01", "0F0013000A")]
    [InlineData("100001000204000A0102", "1000010002")]
    [InlineData("17000300060003000306000A000B000C", "170C000A000B000C0003000D00FF")]
    public void SpecRequest_GetsSpecResponse(string request, string expected)
    {
        int n = ModbusRequestProcessor.Process(_bank, Hex.Bytes(request), _response);
        Assert.Equal(expected, Hex.Of(_response.AsSpan(0, n)));
    }

    [Theory]
    [InlineData("0700", "8701")]
    [InlineData("2B0E0100", "AB01")]
    [InlineData("0300000000", "8303")]
    [InlineData("030000007E", "8303")]
    [InlineData("01000007D1", "8103")]
    [InlineData("03FFFF0002", "8302")]
    [InlineData("0500001234", "8503")]
    [InlineData("0F0000000A01FF", "8F03")]
    [InlineData("10000000020400", "9003")]
    [InlineData("0300", "8303")]
    public void BadRequest_GetsTheSpecExceptionCode(string request, string expected)
    {
        int n = ModbusRequestProcessor.Process(_bank, Hex.Bytes(request), _response);
        Assert.Equal(expected, Hex.Of(_response.AsSpan(0, n)));
    }

    [Fact]
    public void DeviceIdentification_ExtendedStream_ContinuesWithMoreFollows()
    {
        var store = new IdentityStore();
        int n = ModbusRequestProcessor.Process(store, Hex.Bytes("2B0E0300"), _response);
        var first = ModbusDeviceIdentification.Parse(_response.AsSpan(0, n));
        Assert.True(first.MoreFollows);
        Assert.Equal(0x83, first.ConformityLevel);
        Assert.Equal(new byte[] { 0x00, 0x01, 0x02, 0x80, 0x81 }, first.Objects.Keys.Order());
        n = ModbusRequestProcessor.Process(store, [0x2B, 0x0E, 0x03, first.NextObjectId], _response);
        var rest = ModbusDeviceIdentification.Parse(_response.AsSpan(0, n));
        Assert.False(rest.MoreFollows);
        Assert.Equal(new byte[] { 0x82, 0x83 }, rest.Objects.Keys.Order());
        Assert.Equal(new string('c', 100), rest.Objects[0x82]);
    }

    [Fact]
    public void WritesLandInTheStore()
    {
        ModbusRequestProcessor.Process(_bank, Hex.Bytes("100001000204000A0102"), _response);
        ModbusRequestProcessor.Process(_bank, Hex.Bytes("0500ACFF00"), _response);
        var registers = new ushort[2];
        _bank.ReadRegisters(ModbusTable.HoldingRegister, 1, registers);
        Assert.Equal([0x000A, 0x0102], registers);
        var coil = new bool[1];
        _bank.ReadBits(ModbusTable.Coil, 0xAC, coil);
        Assert.True(coil[0]);
    }

    private sealed class IdentityStore : IModbusDataStore, IModbusDeviceIdentity
    {
        private readonly ModbusDataBank _bank = new();

        public IReadOnlyDictionary<byte, string> IdentificationObjects { get; } = new Dictionary<byte, string>
        {
            [0x00] = "Vendor", [0x01] = "Code", [0x02] = "1.0",
            [0x80] = new('a', 100), [0x81] = new('b', 100), [0x82] = new('c', 100), [0x83] = "last",
        };

        public ModbusExceptionCode ReadBits(ModbusTable table, ushort start, Span<bool> destination) => _bank.ReadBits(table, start, destination);

        public ModbusExceptionCode ReadRegisters(ModbusTable table, ushort start, Span<ushort> destination) => _bank.ReadRegisters(table, start, destination);

        public ModbusExceptionCode WriteCoils(ushort start, ReadOnlySpan<bool> values) => _bank.WriteCoils(start, values);

        public ModbusExceptionCode WriteRegisters(ushort start, ReadOnlySpan<ushort> values) => _bank.WriteRegisters(start, values);
    }
}
