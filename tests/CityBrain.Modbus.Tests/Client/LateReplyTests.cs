using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Client;

/// <summary>
/// An RTU reply has no transaction id: a reply that arrives after its request timed out must not be taken for the
/// answer to the next request to the same unit (a stale value published as fresh).
/// </summary>
public sealed class LateReplyTests
{
    [Fact]
    public async Task ReplyArrivingAfterTheTimeout_IsDropped_NextReadGetsTheCurrentValue()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        var bank = new ModbusDataBank();
        bank.SetRegisters(ModbusTable.HoldingRegister, 0, [111]);
        var faults = new SwitchableFaults { Action = new ModbusFaultAction(ModbusFaultKind.Delay, Delay: TimeSpan.FromMilliseconds(700)), Remaining = 1 };
        await using var server = await pair.ServeRtuAsync(u => u == 7 ? bank : null, faults);
        await using var client = pair.RtuClient(TimeSpan.FromMilliseconds(400));
        var value = new ushort[1];

        await Assert.ThrowsAsync<ModbusTimeoutException>(() => client.ReadHoldingRegistersAsync(7, 0, value).AsTask());
        await Task.Delay(TimeSpan.FromMilliseconds(1000)); // the late reply (111) is now waiting on the line
        bank.SetRegisters(ModbusTable.HoldingRegister, 0, [222]);
        await client.ReadHoldingRegistersAsync(7, 0, value);

        Assert.Equal(222, value[0]);
    }
}
