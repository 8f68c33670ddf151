using System.Globalization;

namespace CityBrain.Benchmarks.Hub;

/// <summary>
/// User + system CPU seconds of this process (the load generator) and of its child processes by name (the servers
/// and the hub that the benchmark started), from /proc, to show where a 2-core machine's CPU goes.
/// </summary>
public static class ProcessCpu
{
    public const string LoadGenerator = "load generator";

    /// <summary>CPU seconds so far, by process name (children of the same name added up).</summary>
    public static Dictionary<string, double> Snapshot()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal) { [LoadGenerator] = Seconds(Environment.ProcessId, out _) };
        foreach (var (_, name, seconds) in Children())
        {
            result[name] = result.GetValueOrDefault(name) + seconds;
        }

        return result;
    }

    /// <summary>This process's children (the servers and services a benchmark started): PID, name and CPU seconds so far.</summary>
    public static List<(int Pid, string Name, double Seconds)> Children()
    {
        int self = Environment.ProcessId;
        var result = new List<(int, string, double)>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == self)
            {
                continue;
            }

            try
            {
                double seconds = Seconds(pid, out int parent);
                if (parent == self)
                {
                    result.Add((pid, File.ReadAllText($"/proc/{pid}/comm").Trim(), seconds));
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }

        return result;
    }

    /// <summary>"name 1.2 s, ..." of what each process used between two snapshots, busiest first.</summary>
    public static string Describe(Dictionary<string, double> before, Dictionary<string, double> after) =>
        string.Join(", ", after
            .Select(kv => (Name: kv.Key, Seconds: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(p => p.Seconds > 0.05)
            .OrderByDescending(p => p.Seconds)
            .Select(p => $"{p.Name} {p.Seconds.ToString("F1", CultureInfo.InvariantCulture)} s"));

    /// <summary>
    /// CPU microseconds per stored point of each process and their sum, and the points/s that sum allows on this
    /// machine's cores if nothing else ran: the ceiling of the whole chain (generator, broker, hub, database).
    /// </summary>
    public static string PerPoint(Dictionary<string, double> before, Dictionary<string, double> after, long points)
    {
        var costs = after
            .Select(kv => (Name: kv.Key, Us: (kv.Value - before.GetValueOrDefault(kv.Key)) * 1e6 / Math.Max(1, points)))
            .Where(p => p.Us >= 0.05)
            .OrderByDescending(p => p.Us)
            .ToList();
        double total = costs.Sum(p => p.Us);
        string each = string.Join(" + ", costs.Select(p => $"{p.Name} {p.Us.ToString("F2", CultureInfo.InvariantCulture)}"));
        double ceiling = Environment.ProcessorCount * 1e6 / Math.Max(0.001, total);
        return $"{each} = {total.ToString("F2", CultureInfo.InvariantCulture)} us of CPU per point; {Environment.ProcessorCount} cores to ourselves would allow at most {ceiling.ToString("N0", CultureInfo.InvariantCulture)} points/s";
    }

    private static double Seconds(int pid, out int parent)
    {
        string[] f = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        parent = int.Parse(f[1], CultureInfo.InvariantCulture);
        return (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
