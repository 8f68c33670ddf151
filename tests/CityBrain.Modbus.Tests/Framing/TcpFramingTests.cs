using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Framing;

public sealed class TcpFramingTests
{
    private static ValueTask ReadThree(ModbusClient c) => c.ReadHoldingRegistersAsync(1, 0x6B, new ushort[3]);

    [Fact]
    public async Task Read_ValidResponse_SendsMbapAndDecodes()
    {
        await using var bus = new ScriptedBus(rtu: false);
        bus.Stream.ScriptHex("0001 0000 0009 01 03 06 022B 0000 0064");
        var values = new ushort[3];
        Assert.Null(await bus.RunAsync(c => c.ReadHoldingRegistersAsync(1, 0x6B, values)));
        Assert.Equal("0001000000060103006B0003", Hex.Of(bus.Stream.Written));
        Assert.Equal([555, 0, 100], values);
    }

    [Fact]
    public async Task Read_StrayTransactionFirst_IsDiscarded()
    {
        await using var bus = new ScriptedBus(rtu: false);
        bus.Stream.ScriptHex("7777 0000 0009 01 03 06 1111 2222 3333" + "0001 0000 0009 01 03 06 022B 0000 0064");
        var values = new ushort[3];
        Assert.Null(await bus.RunAsync(c => c.ReadHoldingRegistersAsync(1, 0x6B, values)));
        Assert.Equal(555, values[0]);
        Assert.Equal(1, ((TcpFramer)bus.Framer).StrayResponses);
    }

    [Fact]
    public async Task Read_LateResponseToTimedOutRequest_IsDiscarded()
    {
        await using var bus = new ScriptedBus(rtu: false);
        Assert.IsType<ModbusTimeoutException>(await bus.RunAsync(ReadThree));
        bus.Stream.ScriptHex("0001 0000 0009 01 03 06 0001 0001 0001" + "0002 0000 0009 01 03 06 022B 0000 0064");
        var values = new ushort[3];
        Assert.Null(await bus.RunAsync(c => c.ReadHoldingRegistersAsync(1, 0x6B, values)));
        Assert.Equal(555, values[0]);
    }

    [Theory]
    [InlineData("0001 0001 0009 01 03 06 022B 0000 0064", "protocol id")]
    [InlineData("0001 0000 0000 01", "length")]
    [InlineData("0001 0000 0100 01", "length")]
    [InlineData("0001 0000 0009 02 03 06 022B 0000 0064", "unit")]
    [InlineData("0001 0000 0009 01 04 06 022B 0000 0064", "function")]
    [InlineData("0001 0000 0007 01 03 04 022B 0000", "data bytes")]
    public async Task Read_MalformedFrame_IsProtocolErrorAndDropsConnection(string hex, string mentioned)
    {
        await using var bus = new ScriptedBus(rtu: false);
        bus.Stream.ScriptHex(hex);
        var ex = Assert.IsType<ModbusProtocolException>(await bus.RunAsync(ReadThree));
        Assert.Contains(mentioned, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task Read_TruncatedFrame_TimesOut()
    {
        await using var bus = new ScriptedBus(rtu: false);
        bus.Stream.ScriptHex("0001 0000 0009 01 03 06 022B");
        Assert.IsType<ModbusTimeoutException>(await bus.RunAsync(ReadThree));
    }

    [Fact]
    public async Task Read_PeerClosesMidFrame_IsConnectionError()
    {
        await using var bus = new ScriptedBus(rtu: false);
        bus.Stream.ScriptHex("0001 0000 0009 01 03");
        bus.Stream.EndOfStream = true;
        var ex = Assert.IsType<ModbusConnectionException>(await bus.RunAsync(ReadThree));
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Read_ExceptionResponse_IsDeviceException()
    {
        await using var bus = new ScriptedBus(rtu: false);
        bus.Stream.ScriptHex("0001 0000 0003 01 83 06");
        var ex = Assert.IsType<ModbusDeviceException>(await bus.RunAsync(ReadThree));
        Assert.Equal(ModbusExceptionCode.ServerDeviceBusy, ex.Code);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Read_CallerCancels_IsOperationCanceled()
    {
        await using var bus = new ScriptedBus(rtu: false);
        using var cts = new CancellationTokenSource();
        var task = bus.Client.ReadHoldingRegistersAsync(1, 0, new ushort[1], cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
