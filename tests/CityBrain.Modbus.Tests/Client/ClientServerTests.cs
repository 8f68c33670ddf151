using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Client;

/// <summary>Every function both ways through our client and our server (TCP on loopback, RTU over a loopback stream pair).</summary>
public sealed class ClientServerTests
{
    [Fact]
    public async Task Tcp_EveryFunction_RoundTrips()
    {
        await using var peer = InProcessServer.StartTcp();
        await ExerciseEveryFunctionAsync(peer.Client, peer.Bank, unit: 1);
    }

    [Fact]
    public async Task Rtu_EveryFunction_RoundTrips()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        var bank = new ModbusDataBank();
        await using var server = new ModbusRtuServer(new StreamTransport(pair.B, "rtu:server"), new ModbusServerOptions { ResolveUnit = u => u is 7 or ModbusLimits.BroadcastUnit ? bank : null });
        await server.StartAsync(CancellationToken.None);
        await using var client = new ModbusClient(new StreamTransport(pair.A, "rtu:client", TimeSpan.FromMilliseconds(2)), new RtuFramer(), new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
        await ExerciseEveryFunctionAsync(client, bank, unit: 7);

        await client.WriteSingleRegisterAsync(0, 500, 42);
        var back = new ushort[1];
        await client.ReadHoldingRegistersAsync(7, 500, back);
        Assert.Equal(42, back[0]);
    }

    [Fact]
    public async Task Tcp_UnknownUnit_AnswersGatewayTargetFailed()
    {
        await using var peer = InProcessServer.StartTcp();
        var ex = await Assert.ThrowsAsync<ModbusDeviceException>(() => peer.Client.ReadHoldingRegistersAsync(9, 0, new ushort[1]).AsTask());
        Assert.Equal(ModbusExceptionCode.GatewayTargetDeviceFailedToRespond, ex.Code);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Tcp_ServerRejectsBadQuantityWithException03()
    {
        await using var peer = InProcessServer.StartTcp();
        await using var raw = new ModbusClient(new TcpTransport("127.0.0.1", peer.Server.LocalEndPoint.Port, TimeSpan.FromSeconds(2)), new BadQuantityFramer());
        var ex = await Assert.ThrowsAsync<ModbusDeviceException>(() => raw.ReadHoldingRegistersAsync(1, 0, new ushort[1]).AsTask());
        Assert.Equal(ModbusExceptionCode.IllegalDataValue, ex.Code);
    }

    [Theory]
    [InlineData("drop", typeof(ModbusTimeoutException))]
    [InlineData("delay:1500", typeof(ModbusTimeoutException))]
    [InlineData("exception:6", typeof(ModbusDeviceException))]
    [InlineData("crc", typeof(ModbusProtocolException))]
    [InlineData("garbage", typeof(ModbusProtocolException))]
    public async Task Tcp_InjectedFault_IsTypedThenConnectionRecovers(string fault, Type expected)
    {
        var injector = new OneShotFault(CityBrain.Drivers.Modbus.SimulatedFault.Parse(fault));
        await using var peer = InProcessServer.StartTcp(injector, TimeSpan.FromSeconds(1));
        peer.Bank.SetRegisters(ModbusTable.HoldingRegister, 0, [1234]);
        var values = new ushort[1];
        var ex = await Assert.ThrowsAnyAsync<ModbusException>(() => peer.Client.ReadHoldingRegistersAsync(1, 0, values).AsTask());
        Assert.IsType(expected, ex);
        await RecoverAsync(() => peer.Client.ReadHoldingRegistersAsync(1, 0, values));
        Assert.Equal(1234, values[0]);
    }

    [Theory]
    [InlineData("drop", typeof(ModbusTimeoutException))]
    [InlineData("crc", typeof(ModbusCrcException))]
    [InlineData("exception:2", typeof(ModbusDeviceException))]
    [InlineData("garbage", null)]
    public async Task Rtu_InjectedFault_IsTypedThenLineRecovers(string fault, Type? expected)
    {
        await using var pair = await LoopbackPair.CreateAsync();
        var bank = new ModbusDataBank();
        bank.SetRegisters(ModbusTable.InputRegister, 3, [777]);
        var injector = new OneShotFault(CityBrain.Drivers.Modbus.SimulatedFault.Parse(fault));
        await using var server = new ModbusRtuServer(new StreamTransport(pair.B, "rtu:server"), new ModbusServerOptions { ResolveUnit = _ => bank, Faults = injector });
        await server.StartAsync(CancellationToken.None);
        await using var client = new ModbusClient(new StreamTransport(pair.A, "rtu:client"), new RtuFramer(), new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(1) });
        var values = new ushort[1];
        var first = await Record.ExceptionAsync(() => client.ReadInputRegistersAsync(1, 3, values).AsTask());
        if (expected is null)
        {
            Assert.Null(first);
        }
        else
        {
            Assert.IsType(expected, first);
        }

        await RecoverAsync(() => client.ReadInputRegistersAsync(1, 3, values));
        Assert.Equal(777, values[0]);
    }

    /// <summary>The link recovers: a read succeeds within three attempts (a delayed reply may still occupy the peer).</summary>
    private static async Task RecoverAsync(Func<ValueTask> read)
    {
        Exception? last = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            last = await Record.ExceptionAsync(() => read().AsTask());
            if (last is null)
            {
                return;
            }

            Assert.IsAssignableFrom<ModbusException>(last);
        }

        Assert.Fail($"the link did not recover: {last}");
    }

    private static async Task ExerciseEveryFunctionAsync(ModbusClient client, ModbusDataBank bank, byte unit)
    {
        bank.SetBits(ModbusTable.DiscreteInput, 10, [true, false, true]);
        bank.SetRegisters(ModbusTable.InputRegister, 20, [0xBEEF, 2]);

        await client.WriteSingleCoilAsync(unit, 5, true);
        await client.WriteMultipleCoilsAsync(unit, 6, new[] { false, true, true });
        var coils = new bool[4];
        await client.ReadCoilsAsync(unit, 5, coils);
        Assert.Equal([true, false, true, true], coils);

        var inputs = new bool[3];
        await client.ReadDiscreteInputsAsync(unit, 10, inputs);
        Assert.Equal([true, false, true], inputs);

        await client.WriteSingleRegisterAsync(unit, 100, 0x1234);
        await client.WriteMultipleRegistersAsync(unit, 101, new ushort[] { 1, 2, 3 });
        var holding = new ushort[4];
        await client.ReadHoldingRegistersAsync(unit, 100, holding);
        Assert.Equal([0x1234, 1, 2, 3], holding);

        var input = new ushort[2];
        await client.ReadInputRegistersAsync(unit, 20, input);
        Assert.Equal([0xBEEF, 2], input);

        var readBack = new ushort[2];
        await client.ReadWriteMultipleRegistersAsync(unit, 200, readBack, 200, new ushort[] { 9, 8 });
        Assert.Equal([9, 8], readBack);

        var asWords = new ushort[3];
        await client.ReadAsync(unit, ModbusTable.DiscreteInput, 10, asWords);
        Assert.Equal([1, 0, 1], asWords);

        var big = new ushort[125];
        await client.ReadHoldingRegistersAsync(unit, 0, big);
        var manyBits = new bool[2000];
        await client.ReadCoilsAsync(unit, 0, manyBits);
        Assert.True(manyBits[5]);

        var unsupported = await Assert.ThrowsAsync<ModbusDeviceException>(() => client.ReadDeviceIdentificationAsync(unit).AsTask());
        Assert.Equal(ModbusExceptionCode.IllegalFunction, unsupported.Code);
    }

    /// <summary>Fires its fault on the first request only.</summary>
    private sealed class OneShotFault(CityBrain.Drivers.Modbus.SimulatedFault fault) : IModbusFaultInjector
    {
        private int _fired;

        public ModbusFaultAction Decide(byte unit, ReadOnlySpan<byte> requestPdu) =>
            Interlocked.Exchange(ref _fired, 1) == 0 ? new ModbusFaultAction(fault.Kind, fault.Code, fault.Delay) : ModbusFaultAction.None;
    }

    /// <summary>A TCP framer that rewrites the quantity to 0 (bypassing the client-side check) to see the server's answer.</summary>
    private sealed class BadQuantityFramer : IModbusFramer
    {
        private readonly TcpFramer _inner = new();

        public int PduOffset => _inner.PduOffset;

        public bool SupportsBroadcast => false;

        public bool ResetConnectionOnProtocolError => true;

        public int Seal(Span<byte> adu, byte unit, int pduLength)
        {
            adu[PduOffset + 3] = 0;
            adu[PduOffset + 4] = 0;
            return _inner.Seal(adu, unit, pduLength);
        }

        public void Reset() => _inner.Reset();

        public ValueTask<ReadOnlyMemory<byte>> ReadResponseAsync(IModbusTransport transport, byte unit, ReadOnlyMemory<byte> requestPdu, CancellationToken cancellationToken) =>
            _inner.ReadResponseAsync(transport, unit, requestPdu, cancellationToken);
    }
}
