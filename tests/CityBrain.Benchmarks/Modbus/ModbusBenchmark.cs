using CityBrain.Testing.Serial;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using CityBrain.Drivers.Modbus;
using CityBrain.Modbus;

namespace CityBrain.Benchmarks.Modbus;

/// <summary>
/// Modbus figures: our TCP client's transactions/s against our simulator beside libmodbus's against the same server,
/// our multi-connection rate, and the RTU poll-cycle time over a socat pty pair beside the wire-time limit computed
/// from the baud rate, and a shared RTU line's poll rate with and without a dead unit (<see cref="SharedBusBenchmark"/>).
/// Usage: <c>modbus [--seconds 5] [--rounds 5] [--skip-libmodbus] [--skip-rtu] [--skip-shared] [--shared-seconds 30]</c>.
/// </summary>
public sealed class ModbusBenchmark : IBenchmark
{
    private const byte Unit = 1;
    private const int Registers = 10;

    public string Name => "modbus";

    public string Description => "Modbus TCP tx/s vs libmodbus against the simulator; RTU cycle vs wire-time limit on a pty";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        double seconds = Option(args, "--seconds", 5);
        int rounds = (int)Option(args, "--rounds", 5);
        string templates = FindTemplates();
        var template = await TemplateLoader.LoadFileAsync(Path.Combine(templates, "traffic-loop-controller-tc8.json"), cancellationToken);

        await using var simulator = new ModbusSimulator();
        string? cli = SimulatorProcess.FindCli();
        await using var external = cli is null ? null : await SimulatorProcess.StartAsync(cli, template.Name, Unit, cancellationToken);
        IPEndPoint endpoint;
        if (external is not null)
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, external.Port);
            Console.WriteLine($"Server: our simulator as its own process (citybrain simulate modbus --template {template.Name}) on {endpoint}.");
        }
        else
        {
            simulator.AddDevice(Unit, new SimulatedDevice(template));
            endpoint = simulator.StartTcp(new IPEndPoint(IPAddress.Loopback, 0));
            Console.WriteLine($"Server: our simulator in this process ({template.Name}) on {endpoint}; build the CLI in Release to run it apart.");
        }

        Console.WriteLine($"Each transaction = FC03 read of {Registers} holding registers, one connection, sequential; both clients in their own process.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, shared; {rounds} alternating rounds, best round reported.");

        int calibration = (int)Math.Max(2000, await OursAsync(endpoint.Port, 2000, cancellationToken) * seconds);
        using var libmodbus = args.Contains("--skip-libmodbus") ? null : await LibmodbusClient.BuildAsync(cancellationToken);
        double bestOurs = 0;
        double bestTheirs = 0;
        var ratios = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            double ours = await OursAsync(endpoint.Port, calibration, cancellationToken);
            bestOurs = Math.Max(bestOurs, ours);
            string line = $"  round {round}: ours {ours,9:N0} tx/s";
            if (libmodbus is not null)
            {
                var elapsed = await libmodbus.RunAsync(endpoint.Port, Unit, calibration, cancellationToken);
                double theirs = calibration / elapsed.TotalSeconds;
                bestTheirs = Math.Max(bestTheirs, theirs);
                ratios.Add(ours / theirs);
                line += $"   libmodbus {theirs,9:N0} tx/s   ratio {ours / theirs:P0}";
            }

            Console.WriteLine(line);
        }

        Console.WriteLine($"TCP  ours: {bestOurs:N0} tx/s ({1e6 / bestOurs:N1} us/tx)");
        if (libmodbus is not null)
        {
            Console.WriteLine($"TCP  libmodbus 3.1 (C, gcc -O2): {bestTheirs:N0} tx/s ({1e6 / bestTheirs:N1} us/tx)");
            ratios.Sort();
            Console.WriteLine($"TCP  ours / libmodbus = {bestOurs / bestTheirs:P0} best vs best, {ratios[ratios.Count / 2]:P0} median of rounds (target >= 90%)");
        }

        double parallel = await ParallelAsync(endpoint.Port, 4, 20, TimeSpan.FromSeconds(seconds), cancellationToken);
        Console.WriteLine($"TCP  ours, 4 connections x 20 registers: {parallel:N0} tx/s total (issue 4 wants >= 15,000 polls/s)");

        if (!args.Contains("--skip-rtu"))
        {
            await RtuAsync(template, TimeSpan.FromSeconds(seconds), cancellationToken);
            await RtuFramingOnlyAsync(template, TimeSpan.FromSeconds(seconds), cancellationToken);
        }

        if (!args.Contains("--skip-shared"))
        {
            await SharedBusBenchmark.RunAsync(templates, TimeSpan.FromSeconds(Option(args, "--shared-seconds", 30)), cancellationToken);
        }

        return 0;
    }

    private static async Task<double> OursAsync(int port, int transactions, CancellationToken cancellationToken)
    {
        await using var client = ModbusClient.CreateTcp("127.0.0.1", port, new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
        var buffer = new ushort[Registers];
        for (int i = 0; i < 200; i++)
        {
            await client.ReadHoldingRegistersAsync(Unit, 0, buffer, cancellationToken);
        }

        var watch = Stopwatch.StartNew();
        for (int i = 0; i < transactions; i++)
        {
            await client.ReadHoldingRegistersAsync(Unit, 0, buffer, cancellationToken);
        }

        return transactions / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> ParallelAsync(int port, int connections, int registers, TimeSpan duration, CancellationToken cancellationToken)
    {
        long total = 0;
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var client = ModbusClient.CreateTcp("127.0.0.1", port, new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
            var buffer = new ushort[registers];
            long count = 0;
            while (watch.Elapsed < duration)
            {
                await client.ReadHoldingRegistersAsync(Unit, 0, buffer, cancellationToken);
                count++;
            }

            Interlocked.Add(ref total, count);
        });
        await Task.WhenAll(tasks);
        return total / watch.Elapsed.TotalSeconds;
    }

    private static async Task RtuAsync(DeviceTemplate template, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var pty = await PtyPair.StartAsync(cancellationToken);
        var line = new SerialLineSettings(pty.B, 19200, SerialParity.None, 2);
        await using var simulator = new ModbusSimulator();
        simulator.AddDevice(Unit, new SimulatedDevice(template));
        await simulator.StartRtuAsync(new SerialTransport(line with { PortName = pty.A }), cancellationToken);
        await using var client = ModbusClient.CreateRtu(line, new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(1) });
        var buffer = new ushort[Registers];
        for (int i = 0; i < 20; i++)
        {
            await client.ReadHoldingRegistersAsync(Unit, 0, buffer, cancellationToken);
        }

        var samples = await SampleCyclesAsync(client, buffer, duration, cancellationToken);
        int cycles = samples.Count;
        double mean = samples.Average();
        double median = samples[cycles / 2];
        double p10 = samples[cycles / 10];
        double p90 = samples[cycles * 9 / 10];
        double measured = median;
        int requestBytes = 8;
        int responseBytes = 5 + (2 * Registers);
        double frames = line.WireTime(requestBytes + responseBytes).TotalMilliseconds;
        double silence = line.InterFrameSilence.TotalMilliseconds;
        double limit = frames + (2 * silence);
        double overhead = Math.Max(0, measured - silence);
        Console.WriteLine($"RTU  poll = FC03 x {Registers} registers at 19200 baud, {line.BitsPerCharacter} bits/char (8N2 on the pty; ptys reject parity): request {requestBytes} B + response {responseBytes} B");
        Console.WriteLine($"RTU  wire-time limit: frames {frames:N2} ms + 2 x t3.5 {silence:N3} ms = {limit:N2} ms per cycle ({1000 / limit:N1} polls/s)");
        Console.WriteLine($"RTU  measured on pty (no baud throttling), {cycles:N0} cycles: median {median:N3} ms (p10 {p10:N3}, p90 {p90:N3}, mean {mean:N3}); each includes our enforced t3.5 rest of {silence:N3} ms");
        Console.WriteLine($"RTU  our overhead = median - t3.5 (client + simulator + SerialStream I/O loops, one process): {overhead:N3} ms per cycle");
        Console.WriteLine($"RTU  projected on a real line: {limit + overhead:N2} ms = {(limit + overhead) / limit:P0} of the wire-time limit (target <= 120%)");
    }

    /// <summary>The same RTU poll over a loopback socket pair instead of a pty: our framing + simulator without System.IO.Ports.</summary>
    private static async Task RtuFramingOnlyAsync(DeviceTemplate template, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var clientSocket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync(cancellationToken);
        await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndpoint, cancellationToken);
        using var serverSocket = await accept;
        serverSocket.NoDelay = true;
        await using var simulator = new ModbusSimulator();
        simulator.AddDevice(Unit, new SimulatedDevice(template));
        await simulator.StartRtuAsync(new StreamTransport(new System.Net.Sockets.NetworkStream(serverSocket), "rtu:loopback-server"), cancellationToken);
        var silence = new SerialLineSettings("loopback", 19200).InterFrameSilence;
        await using var client = new ModbusClient(new StreamTransport(new System.Net.Sockets.NetworkStream(clientSocket), "rtu:loopback", silence), new RtuFramer(), new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(1) });
        var buffer = new ushort[Registers];
        var samples = await SampleCyclesAsync(client, buffer, duration, cancellationToken);
        double median = samples[samples.Count / 2];
        Console.WriteLine($"RTU  same poll over a loopback socket (our RTU framing + simulator, no System.IO.Ports): median {median:N3} ms per cycle = t3.5 {silence.TotalMilliseconds:N3} ms + {Math.Max(0, median - silence.TotalMilliseconds):N3} ms ours");
    }

    /// <summary>Polls for <paramref name="duration"/>; returns each cycle's milliseconds, sorted.</summary>
    private static async Task<List<double>> SampleCyclesAsync(ModbusClient client, ushort[] buffer, TimeSpan duration, CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            long start = Stopwatch.GetTimestamp();
            await client.ReadHoldingRegistersAsync(Unit, 0, buffer, cancellationToken);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        samples.Sort();
        return samples;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string FindTemplates()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "firmware-config", "templates");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("firmware-config/templates not found above the current directory.");
    }
}
