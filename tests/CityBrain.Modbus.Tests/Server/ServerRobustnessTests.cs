using System.Net.Sockets;
using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Server;

/// <summary>Random bytes into both servers: they skip or drop what they cannot parse and keep serving.</summary>
public sealed class ServerRobustnessTests
{
    [Fact]
    public async Task RtuServer_AfterRandomBytes_StillAnswers()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        var bank = new ModbusDataBank();
        bank.SetRegisters(ModbusTable.HoldingRegister, 0, [4242]);
        await using var server = await pair.ServeRtuAsync(u => u == 1 ? bank : null);
        var random = new Random(99);
        var noise = new byte[5000];
        random.NextBytes(noise);
        await pair.A.WriteAsync(noise);
        await using var client = pair.RtuClient(TimeSpan.FromMilliseconds(400));
        var values = new ushort[1];
        bool answered = false;
        for (int attempt = 0; attempt < 5 && !answered; attempt++)
        {
            answered = await Record.ExceptionAsync(() => client.ReadHoldingRegistersAsync(1, 0, values).AsTask()) is null;
        }

        Assert.True(answered, "the RTU server never answered after noise");
        Assert.Equal(4242, values[0]);
        Assert.True(server.Counters.RejectedFrames > 0);
    }

    [Fact]
    public async Task RtuServer_RepeatedPartialFramesThenSilence_KeepsServing()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        var bank = new ModbusDataBank();
        bank.SetRegisters(ModbusTable.HoldingRegister, 0, [99]);
        await using var server = await pair.ServeRtuAsync(u => u == 1 ? bank : null);
        for (int i = 0; i < 3; i++)
        {
            // A truncated FC 10 request, then line silence: the server must drop it (and not die on the second one).
            await pair.A.WriteAsync(Hex.Bytes("01 10 00 00 00 02"));
            await Task.Delay(150);
        }

        Assert.False(server.Completion.IsFaulted, server.Completion.Exception?.ToString());
        await using var client = pair.RtuClient(TimeSpan.FromSeconds(1));
        var values = new ushort[1];
        await client.ReadHoldingRegistersAsync(1, 0, values);
        Assert.Equal(99, values[0]);
        Assert.True(server.Counters.RejectedFrames >= 3);
    }

    [Fact]
    public async Task TcpServer_GarbageConnection_IsDroppedOthersServed()
    {
        await using var peer = InProcessServer.StartTcp();
        using (var garbage = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await garbage.ConnectAsync(peer.Server.LocalEndPoint);
            var noise = new byte[300];
            new Random(5).NextBytes(noise);
            noise[2] = 0x42;
            await garbage.SendAsync(noise);
            var buffer = new byte[512];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            int read = await garbage.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.Equal(0, read);
        }

        peer.Bank.SetRegisters(ModbusTable.HoldingRegister, 0, [7]);
        var values = new ushort[1];
        await peer.Client.ReadHoldingRegistersAsync(1, 0, values);
        Assert.Equal(7, values[0]);
    }
}
