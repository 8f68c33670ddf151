using System.Globalization;
using System.Net;
using CityBrain.Drivers.Modbus;
using CityBrain.Testing;

namespace CityBrain.Benchmarks.Chain;

/// <summary>
/// The whole-chain benchmark's Modbus TCP device in a process of its own (so its CPU is not the edge's or the
/// benchmark's): our <see cref="ModbusSimulator"/> serving <c>--units N</c> devices of <c>--template NAME</c> on one
/// loopback port. Prints <c>listening PORT</c>, then answers each <c>count</c> line on stdin with <c>requests N</c>
/// (requests answered so far: the ground truth of polls made); exits at end of input.
/// </summary>
public sealed class ModbusSimCommand : IBenchmark
{
    public string Name => "modbus-sim";

    public string Description => "(used by chain) Modbus TCP simulator process with a request counter on stdin/stdout";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        string template = args.SkipWhile(a => a != "--template").Skip(1).FirstOrDefault() ?? ChainBenchmark.Template;
        int units = int.Parse(args.SkipWhile(a => a != "--units").Skip(1).FirstOrDefault() ?? "20", CultureInfo.InvariantCulture);
        var loaded = await TemplateLoader.LoadFileAsync(RepoPaths.Combine("firmware-config", "templates", template + ".json"), cancellationToken);
        var counter = new RequestCounter();
        await using var simulator = new ModbusSimulator(counter);
        for (int unit = 1; unit <= units; unit++)
        {
            simulator.AddDevice((byte)unit, new SimulatedDevice(loaded, seed: unit));
        }

        simulator.StartUpdating(TimeSpan.FromSeconds(1));
        int port = simulator.StartTcp(new IPEndPoint(IPAddress.Loopback, 0)).Port;
        Console.WriteLine($"listening {port}");
        while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line == "count")
            {
                Console.WriteLine($"requests {counter.Requests}");
            }
        }

        return 0;
    }
}
