using CityBrain.IntegrationTests.Edge;
using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Packaging;

/// <summary>Runs the packaged citybrain-edge from its extracted package: natively (amd64) or under qemu-user (arm64).</summary>
public static class PackagedEdge
{
    public const string Qemu = "/usr/bin/qemu-aarch64-static";

    public const string NodeId = "n-pkg-01";

    public const string SimulatedSensors = """
        [
          { "id": "loop-01", "driver": "simulated", "kind": "traffic", "intervalMs": 200, "seed": 1 },
          { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 300, "seed": 11 }
        ]
        """;

    public static string Executable(DebPackage deb) => deb.File("opt", "citybrain", "edge", "citybrain-edge");

    /// <summary>The command line that runs <paramref name="deb"/>'s binary with <paramref name="args"/> on this machine.</summary>
    public static (string FileName, string[] Arguments) Command(DebPackage deb, params string[] args) =>
        deb.Field("Architecture") == "arm64"
            ? (Qemu, ["-L", "/usr/aarch64-linux-gnu", Executable(deb), .. args])
            : (Executable(deb), args);

    public static Task<Tool.Result> RunAsync(DebPackage deb, TimeSpan timeout, params string[] args)
    {
        var (file, arguments) = Command(deb, args);
        return Tool.RunAsync(file, arguments, timeout);
    }

    /// <summary>A node configuration with simulated sensors and a memory buffer, publishing to a broker on loopback.</summary>
    public static string Config(int brokerPort, string bufferPath) =>
        EdgeNodeHarness.Config(brokerPort, SimulatedSensors, bufferPath, "memory", NodeId);

    /// <summary>Writes <see cref="Config"/> to node.json in <paramref name="dir"/> and returns its path.</summary>
    public static async Task<string> WriteConfigAsync(TempDirectory dir, int brokerPort)
    {
        string path = dir.Combine("node.json");
        await File.WriteAllTextAsync(path, Config(brokerPort, dir.Combine("buffer")));
        return path;
    }

    public static ServerProcess Start(DebPackage deb, TempDirectory dir, string configPath, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var (file, arguments) = Command(deb, "--config", configPath);
        return ServerProcess.Start("citybrain-edge", file, arguments, dir.Path, "citybrain-edge (deploy/package/build-debs.sh)", environment);
    }
}
