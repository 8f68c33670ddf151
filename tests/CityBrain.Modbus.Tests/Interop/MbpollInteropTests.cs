using CityBrain.Testing.Serial;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CityBrain.Drivers.Modbus;

namespace CityBrain.Modbus.Tests.Interop;

/// <summary>mbpoll (libmodbus) as the client against our server and simulator, over TCP and RTU on a socat pty pair.</summary>
[Trait("Category", "Interop")]
public sealed partial class MbpollInteropTests
{
    private const byte Unit = 1;

    [Fact]
    public async Task Tcp_MbpollReadsAndWritesOurServer()
    {
        string mbpoll = PeerProcess.Require("mbpoll", "mbpoll");
        var bank = Fill(new ModbusDataBank());
        await using var server = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), ModbusServerOptions.ForSingleUnit(bank, Unit));
        server.Start();
        string[] link = ["-m", "tcp", "-p", server.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture), "-a", "1", "-0", "-1"];
        await VerifyAsync(mbpoll, link, "127.0.0.1", bank);
    }

    [Fact]
    public async Task Rtu_MbpollReadsAndWritesOurServerOverPty()
    {
        string mbpoll = PeerProcess.Require("mbpoll", "mbpoll");
        await using var pty = await PtyPair.StartAsync();
        var bank = Fill(new ModbusDataBank());
        await using var server = new ModbusRtuServer(new SerialTransport(new SerialLineSettings(pty.A, 19200, SerialParity.None, 2)), ModbusServerOptions.ForSingleUnit(bank, Unit));
        await server.StartAsync(CancellationToken.None);
        string[] link = ["-m", "rtu", "-b", "19200", "-P", "none", "-s", "2", "-a", "1", "-0", "-1"];
        await VerifyAsync(mbpoll, link, pty.B, bank);
    }

    [Fact]
    public async Task Tcp_MbpollReadsSimulatedEnergyMeter()
    {
        string mbpoll = PeerProcess.Require("mbpoll", "mbpoll");
        const string Name = "street-light-meter-em24";
        var template = await TemplateLoader.LoadFileAsync(Path.Combine(Support.TemplatePaths.Templates, $"{Name}.json"), CancellationToken.None);
        var vector = await TemplateVector.LoadFileAsync(Path.Combine(Support.TemplatePaths.Templates, $"{Name}.vector.json"), CancellationToken.None);
        await using var simulator = new ModbusSimulator();
        simulator.AddDevice(2, new SimulatedDevice(template, vector));
        var endpoint = simulator.StartTcp(new IPEndPoint(IPAddress.Loopback, 0));

        // The meter's CDAB floats are mbpoll's default word order for -t 3:float.
        var values = await ReadAsync(mbpoll, ["-m", "tcp", "-p", endpoint.Port.ToString(CultureInfo.InvariantCulture), "-a", "2", "-0", "-1", "-t", "3:float", "-r", "0", "-c", "6"], "127.0.0.1");
        Assert.Equal(vector.Expected["voltage"], values[0], 3);
        Assert.Equal(vector.Expected["current"], values[2], 3);
        Assert.Equal(vector.Expected["active_power"], values[4], 3);
        Assert.Equal(vector.Expected["power_factor"], values[6], 3);
        Assert.Equal(vector.Expected["frequency"], values[8], 3);
        Assert.Equal(vector.Expected["apparent_power"], values[10], 3);

        var (code, output) = await PeerProcess.RunAsync(TimeSpan.FromSeconds(20), mbpoll, "-m", "tcp", "-p", endpoint.Port.ToString(CultureInfo.InvariantCulture), "-a", "2", "-0", "-1", "-t", "3", "-r", "12", "-c", "2", "127.0.0.1");
        Assert.NotEqual(0, code);
        Assert.Contains("Illegal data address", output, StringComparison.OrdinalIgnoreCase);
    }

    private static ModbusDataBank Fill(ModbusDataBank bank)
    {
        var registers = new ushort[10];
        RegisterCodec.Encode(-12345, PointType.Int16, WordOrder.ABCD, registers.AsSpan(0, 1));
        RegisterCodec.Encode(54321, PointType.UInt16, WordOrder.ABCD, registers.AsSpan(1, 1));
        RegisterCodec.Encode(-123456789, PointType.Int32, WordOrder.ABCD, registers.AsSpan(2, 2));
        RegisterCodec.Encode(-123456789, PointType.Int32, WordOrder.CDAB, registers.AsSpan(4, 2));
        RegisterCodec.Encode(123.456, PointType.Float32, WordOrder.ABCD, registers.AsSpan(6, 2));
        RegisterCodec.Encode(123.456, PointType.Float32, WordOrder.CDAB, registers.AsSpan(8, 2));
        bank.SetRegisters(ModbusTable.HoldingRegister, 0, registers);
        bank.SetRegisters(ModbusTable.InputRegister, 0, registers);
        bank.SetBits(ModbusTable.Coil, 0, InteropValues.Coils);
        bank.SetBits(ModbusTable.DiscreteInput, 0, InteropValues.Discrete);
        return bank;
    }

    private static async Task VerifyAsync(string mbpoll, string[] link, string target, ModbusDataBank bank)
    {
        foreach (string table in new[] { "4", "3" })
        {
            var int16 = await ReadAsync(mbpoll, [.. link, "-t", table, "-r", "0", "-c", "1"], target);
            // mbpoll prints 16-bit registers unsigned; our INT16 decoding of that register must give the signed value.
            Assert.Equal(-12345, RegisterCodec.Decode([(ushort)int16[0]], PointType.Int16, WordOrder.ABCD));
            var hex = await ReadRawAsync(mbpoll, [.. link, "-t", $"{table}:hex", "-r", "1", "-c", "1"], target);
            Assert.Equal("0xD431", hex[1], ignoreCase: true);
            var int32Abcd = await ReadAsync(mbpoll, [.. link, "-t", $"{table}:int", "-B", "-r", "2", "-c", "1"], target);
            Assert.Equal(-123456789, int32Abcd[2]);
            var int32Cdab = await ReadAsync(mbpoll, [.. link, "-t", $"{table}:int", "-r", "4", "-c", "1"], target);
            Assert.Equal(-123456789, int32Cdab[4]);
            var floatAbcd = await ReadAsync(mbpoll, [.. link, "-t", $"{table}:float", "-B", "-r", "6", "-c", "1"], target);
            Assert.Equal(123.456, floatAbcd[6], 3);
            var floatCdab = await ReadAsync(mbpoll, [.. link, "-t", $"{table}:float", "-r", "8", "-c", "1"], target);
            Assert.Equal(123.456, floatCdab[8], 3);
        }

        var coils = await ReadAsync(mbpoll, [.. link, "-t", "0", "-r", "0", "-c", InteropValues.Coils.Length.ToString(CultureInfo.InvariantCulture)], target);
        Assert.Equal(InteropValues.Coils.Select(b => b ? 1.0 : 0.0), Enumerable.Range(0, InteropValues.Coils.Length).Select(i => coils[i]));
        var discrete = await ReadAsync(mbpoll, [.. link, "-t", "1", "-r", "0", "-c", InteropValues.Discrete.Length.ToString(CultureInfo.InvariantCulture)], target);
        Assert.Equal(InteropValues.Discrete.Select(b => b ? 1.0 : 0.0), Enumerable.Range(0, InteropValues.Discrete.Length).Select(i => discrete[i]));

        await WriteAsync(mbpoll, [.. link, "-t", "4", "-r", "100", target, "4242", "65534"]);
        await WriteAsync(mbpoll, [.. link, "-t", "4:float", "-B", "-r", "110", target, "--", "-2.5"]);
        await WriteAsync(mbpoll, [.. link, "-t", "0", "-r", "200", target, "1", "0", "1"]);
        var written = new ushort[2];
        bank.ReadRegisters(ModbusTable.HoldingRegister, 100, written);
        Assert.Equal([4242, 0xFFFE], written);
        var floatWords = new ushort[2];
        bank.ReadRegisters(ModbusTable.HoldingRegister, 110, floatWords);
        Assert.Equal(-2.5, RegisterCodec.Decode(floatWords, PointType.Float32, WordOrder.ABCD));
        var coilsWritten = new bool[3];
        bank.ReadBits(ModbusTable.Coil, 200, coilsWritten);
        Assert.Equal([true, false, true], coilsWritten);
    }

    private static async Task<Dictionary<int, double>> ReadAsync(string mbpoll, string[] arguments, string target)
    {
        var raw = await ReadRawAsync(mbpoll, arguments, target);
        return raw.ToDictionary(p => p.Key, p => double.Parse(p.Value, CultureInfo.InvariantCulture));
    }

    private static async Task<Dictionary<int, string>> ReadRawAsync(string mbpoll, string[] arguments, string target)
    {
        var (code, output) = await PeerProcess.RunAsync(TimeSpan.FromSeconds(20), mbpoll, [.. arguments, target]);
        Assert.True(code == 0, $"mbpoll {string.Join(' ', arguments)} failed ({code}): {output}");
        var values = new Dictionary<int, string>();
        foreach (Match match in ValueLine().Matches(output))
        {
            values[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = match.Groups[2].Value;
        }

        Assert.True(values.Count > 0, $"no values in mbpoll output: {output}");
        return values;
    }

    private static async Task WriteAsync(string mbpoll, string[] arguments)
    {
        var (code, output) = await PeerProcess.RunAsync(TimeSpan.FromSeconds(20), mbpoll, arguments);
        Assert.True(code == 0 && output.Contains("Written", StringComparison.Ordinal), $"mbpoll {string.Join(' ', arguments)} failed ({code}): {output}");
    }

    [GeneratedRegex(@"^\[(\d+)\]:\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex ValueLine();
}
