using CityBrain.Testing;

namespace CityBrain.Benchmarks;

/// <summary>
/// The runtime settings a service is deployed with: every <c>Environment=</c> line of its systemd unit under
/// deploy/systemd (read, not copied, so a benchmark measures what is shipped).
/// </summary>
public static class UnitFileEnvironment
{
    /// <summary>The NAME=VALUE settings of <paramref name="unit"/> (e.g. <c>citybrain-edge.service</c>), in file order.</summary>
    public static (string Name, string Value)[] Read(string unit)
    {
        string path = RepoPaths.Combine("deploy", "systemd", unit);
        var lines = File.ReadLines(path).Where(l => l.StartsWith("Environment=", StringComparison.Ordinal)).ToList();
        if (lines.Count == 0)
        {
            throw new InvalidOperationException($"{path} has no Environment= line");
        }

        return
        [
            .. lines.SelectMany(line => line["Environment=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(setting =>
            {
                int eq = setting.IndexOf('=', StringComparison.Ordinal);
                return eq > 0 ? (setting[..eq], setting[(eq + 1)..]) : throw new InvalidOperationException($"{path}: '{setting}' is not NAME=VALUE");
            }),
        ];
    }
}
