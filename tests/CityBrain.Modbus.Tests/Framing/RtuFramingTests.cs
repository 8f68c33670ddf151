using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Framing;

public sealed class RtuFramingTests
{
    private static ValueTask ReadThree(ModbusClient c) => c.ReadHoldingRegistersAsync(0x11, 0x6B, new ushort[3]);

    [Fact]
    public async Task Read_ValidResponse_SendsSpecFrameAndDecodes()
    {
        await using var bus = new ScriptedBus(rtu: true);
        bus.Stream.Script(Hex.Rtu("11 03 06 022B 0000 0064"));
        var values = new ushort[3];
        Assert.Null(await bus.RunAsync(c => c.ReadHoldingRegistersAsync(0x11, 0x6B, values)));
        Assert.Equal("1103006B00037687", Hex.Of(bus.Stream.Written));
        Assert.Equal([555, 0, 100], values);
    }

    [Fact]
    public async Task Read_ResponseInSingleByteChunks_Reassembles()
    {
        await using var bus = new ScriptedBus(rtu: true);
        bus.Stream.Script([.. Hex.Rtu("11 03 06 022B 0000 0064").Select(b => new[] { b })]);
        Assert.Null(await bus.RunAsync(ReadThree));
    }

    [Fact]
    public async Task Read_GarbageBeforeResponse_Resynchronises()
    {
        await using var bus = new ScriptedBus(rtu: true);
        bus.Stream.Script(Hex.Bytes("FF 00 11 37 11"), Hex.Rtu("11 03 06 022B 0000 0064"));
        Assert.Null(await bus.RunAsync(ReadThree));
        Assert.True(((RtuFramer)bus.Framer).SkippedBytes >= 5);
    }

    [Fact]
    public async Task Read_WrongCrc_IsTransientCrcError()
    {
        await using var bus = new ScriptedBus(rtu: true);
        var frame = Hex.Rtu("11 03 06 022B 0000 0064");
        frame[^1] ^= 0xFF;
        bus.Stream.Script(frame);
        var ex = Assert.IsType<ModbusCrcException>(await bus.RunAsync(ReadThree));
        Assert.True(ex.IsTransient);
        Assert.Equal((byte)0x11, ex.Unit);
        Assert.Contains("rtu:scripted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_TruncatedResponse_TimesOut()
    {
        await using var bus = new ScriptedBus(rtu: true);
        bus.Stream.Script(Hex.Rtu("11 03 06 022B 0000 0064")[..^3]);
        var ex = Assert.IsType<ModbusTimeoutException>(await bus.RunAsync(ReadThree));
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Read_NoResponse_TimesOut()
    {
        await using var bus = new ScriptedBus(rtu: true);
        Assert.IsType<ModbusTimeoutException>(await bus.RunAsync(ReadThree));
    }

    [Fact]
    public async Task Read_WrongFunction_IsSkippedAndTimesOut()
    {
        await using var bus = new ScriptedBus(rtu: true);
        bus.Stream.Script(Hex.Rtu("11 04 06 022B 0000 0064"));
        Assert.IsType<ModbusTimeoutException>(await bus.RunAsync(ReadThree));
    }

    [Fact]
    public async Task Read_WrongUnit_IsNotAccepted()
    {
        await using var bus = new ScriptedBus(rtu: true);
        bus.Stream.Script(Hex.Rtu("12 03 06 022B 0000 0064"));
        var error = await bus.RunAsync(ReadThree);
        Assert.True(error is ModbusTimeoutException or ModbusCrcException, $"unexpected {error}");
    }

    [Fact]
    public async Task Read_WrongLength_IsTypedError()
    {
        await using var bus = new ScriptedBus(rtu: true);
        bus.Stream.Script(Hex.Rtu("11 03 04 022B 0000"));
        var error = await bus.RunAsync(ReadThree);
        Assert.True(error is ModbusTimeoutException or ModbusCrcException, $"unexpected {error}");
    }

    [Fact]
    public async Task Read_ExceptionResponse_IsDeviceException()
    {
        await using var bus = new ScriptedBus(rtu: true);
        bus.Stream.Script(Hex.Rtu("11 83 02"));
        var ex = Assert.IsType<ModbusDeviceException>(await bus.RunAsync(ReadThree));
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ex.Code);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task Read_EndlessGarbage_StopsAtResyncCap()
    {
        await using var bus = new ScriptedBus(rtu: true, maxResyncBytes: 64);
        bus.Stream.Script(Enumerable.Repeat((byte)0xFF, 300).ToArray());
        var ex = Assert.IsType<ModbusProtocolException>(await bus.RunAsync(ReadThree));
        Assert.Contains("skipping", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task Write_Broadcast_DoesNotWaitForReply()
    {
        await using var bus = new ScriptedBus(rtu: true);
        var task = bus.Client.WriteSingleRegisterAsync(0, 1, 3).AsTask();
        Assert.True(task.IsCompletedSuccessfully);
        await task;
        Assert.Equal(Hex.Of(Hex.Rtu("00 06 0001 0003")), Hex.Of(bus.Stream.Written));
    }

    [Fact]
    public async Task Read_AfterTimeout_NextTransactionSucceeds()
    {
        await using var bus = new ScriptedBus(rtu: true);
        Assert.IsType<ModbusTimeoutException>(await bus.RunAsync(ReadThree));
        bus.Stream.Script(Hex.Rtu("11 03 06 022B 0000 0064"));
        Assert.Null(await bus.RunAsync(ReadThree));
    }
}
