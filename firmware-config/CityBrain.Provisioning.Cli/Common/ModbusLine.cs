using System.CommandLine;
using CityBrain.Modbus;

namespace CityBrain.Provisioning.Cli;

/// <summary>The flags that pick a Modbus line (TCP endpoint or RTU serial port) for scan and read, and a client on it.</summary>
internal sealed class ModbusLine
{
    public readonly Option<string?> Tcp = new("--tcp") { Description = "Modbus TCP device or gateway HOST[:PORT] (default port 502)." };
    public readonly Option<string?> Rtu = new("--rtu") { Description = "Serial device of the RS-485 adapter (e.g. /dev/ttyUSB0)." };
    public readonly Option<string> Parity = new("--parity") { Description = "RTU parity: even, none or odd.", DefaultValueFactory = _ => "even" };
    public readonly Option<int?> StopBits = new("--stop-bits") { Description = "RTU stop bits (default 1, or 2 with parity none)." };
    public readonly Option<int> TimeoutMs = new("--timeout-ms") { Description = "How long to wait for each answer.", DefaultValueFactory = _ => 300 };

    public IEnumerable<Option> All => [Tcp, Rtu, Parity, StopBits, TimeoutMs];

    public ModbusClient TcpClient(ParseResult parse)
    {
        var (host, port) = Endpoint.Parse("--tcp", parse.GetValue(Tcp)!, 502);
        return ModbusClient.CreateTcp(host, port, Options(parse));
    }

    public SerialLineSettings Serial(ParseResult parse, int baud)
    {
        var parity = parse.GetValue(Parity)!.ToLowerInvariant() switch
        {
            "none" => SerialParity.None,
            "odd" => SerialParity.Odd,
            "even" => SerialParity.Even,
            var other => throw new CliException(ExitCodes.Unreadable, $"--parity {other}: use even, none or odd"),
        };
        string port = parse.GetValue(Rtu)!;
        if (!File.Exists(port))
        {
            throw new CliException(ExitCodes.Unreachable, $"--rtu {port}: no such serial device; plug in the RS-485 adapter and check 'ls /dev/ttyUSB* /dev/ttyAMA*'");
        }

        return new SerialLineSettings(port, baud, parity, parse.GetValue(StopBits) ?? (parity == SerialParity.None ? 2 : 1));
    }

    public ModbusClient RtuClient(ParseResult parse, int baud) => ModbusClient.CreateRtu(Serial(parse, baud), Options(parse));

    public void RequireOne(ParseResult parse)
    {
        if ((parse.GetValue(Tcp) is null) == (parse.GetValue(Rtu) is null))
        {
            throw new CliException(ExitCodes.Unreadable, "give either --tcp HOST[:PORT] or --rtu DEVICE");
        }
    }

    public ModbusClientOptions Options(ParseResult parse)
    {
        int ms = parse.GetValue(TimeoutMs);
        if (ms is < 10 or > 60_000)
        {
            throw new CliException(ExitCodes.Unreadable, $"--timeout-ms {ms}: use 10..60000");
        }

        return new ModbusClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(ms), ConnectTimeout = TimeSpan.FromMilliseconds(Math.Max(ms, 1000)) };
    }
}
