using CityBrain.Testing.Serial;
using CityBrain.Testing.Servers;

namespace CityBrain.Modbus.Tests.Interop;

/// <summary>Our client against a pymodbus server (an independent implementation) over TCP and over RTU on a socat pty pair.</summary>
[Trait("Category", "Interop")]
public sealed class PymodbusInteropTests
{
    private const string Python = "/usr/bin/python3";
    private const string Packages = "python3-pymodbus python3-serial python3-serial-asyncio";

    [Fact]
    public async Task Tcp_EveryTypeAndOrderAndFunction()
    {
        string spec = await WriteSpecAsync(unit: 1);
        int port = FreePort.Get();
        await using var peer = await StartPymodbusAsync("tcp", port.ToString(), spec);
        await peer.WaitUntilAsync(() => FreePort.AcceptsAsync(port), TimeSpan.FromSeconds(20), "pymodbus to listen");
        await using var client = ModbusClient.CreateTcp("127.0.0.1", port, new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(2) });

        await InteropValues.VerifyAsync(client, 1, inputRegistersToo: true);
        await ExerciseWritesAsync(client, 1);
    }

    [Fact]
    public async Task Rtu_OverPtyPair_EveryTypeAndOrder()
    {
        string spec = await WriteSpecAsync(unit: 17);
        await using var pty = await PtyPair.StartAsync();
        await using var peer = await StartPymodbusAsync("rtu", pty.A, "19200", spec);
        await using var client = ModbusClient.CreateRtu(new SerialLineSettings(pty.B, 19200, SerialParity.None, StopBits: 2), new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(1) });
        var probe = new ushort[1];
        await peer.WaitUntilAsync(async () => await Record.ExceptionAsync(() => client.ReadHoldingRegistersAsync(17, 0, probe).AsTask()) is null, TimeSpan.FromSeconds(20), "pymodbus to answer on the pty");

        await InteropValues.VerifyAsync(client, 17, inputRegistersToo: false);
        await ExerciseWritesAsync(client, 17);
    }

    private static async Task ExerciseWritesAsync(ModbusClient client, byte unit)
    {
        await client.WriteSingleRegisterAsync(unit, 900, 0xCAFE);
        await client.WriteMultipleRegistersAsync(unit, 901, new ushort[] { 1, 2, 3 });
        var back = new ushort[4];
        await client.ReadHoldingRegistersAsync(unit, 900, back);
        Assert.Equal([0xCAFE, 1, 2, 3], back);

        await client.WriteSingleCoilAsync(unit, 500, true);
        await client.WriteMultipleCoilsAsync(unit, 501, new[] { true, false, true });
        var coils = new bool[4];
        await client.ReadCoilsAsync(unit, 500, coils);
        Assert.Equal([true, true, false, true], coils);

        var readWrite = new ushort[2];
        await client.ReadWriteMultipleRegistersAsync(unit, 950, readWrite, 950, new ushort[] { 77, 88 });
        Assert.Equal([77, 88], readWrite);

        var ex = await Assert.ThrowsAsync<ModbusDeviceException>(() => client.ReadHoldingRegistersAsync(unit, 5000, new ushort[2]).AsTask());
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ex.Code);

        var basic = await client.ReadDeviceIdentificationAsync(unit, readCode: 1);
        Assert.Equal("pymodbus-peer", basic.Objects[0x00]);
        Assert.Equal("PM-INTEROP", basic.Objects[0x01]);
        Assert.Equal("3.0.0", basic.Objects[0x02]);
        var regular = await client.ReadDeviceIdentificationAsync(unit, readCode: 2);
        Assert.Equal("interop server", regular.Objects[0x04]);
    }

    private static async Task<string> WriteSpecAsync(byte unit)
    {
        string path = Path.Combine(Path.GetTempPath(), $"citybrain-pymodbus-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, InteropValues.SpecJson(unit));
        return path;
    }

    private static async Task<PeerProcess> StartPymodbusAsync(params string[] arguments)
    {
        PeerProcess.Require(Python, "python3");
        var (code, output) = await PeerProcess.RunAsync(TimeSpan.FromSeconds(30), Python, "-c", "import pymodbus.server, serial_asyncio");
        if (code != 0)
        {
            throw new Xunit.Sdk.XunitException($"pymodbus is not usable by {Python}: install it with `apt-get install -y {Packages}`. Python said: {output}");
        }

        string script = Path.Combine(AppContext.BaseDirectory, "peers", "pymodbus_server.py");
        return PeerProcess.Start(Python, [script, .. arguments]);
    }
}
