using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>Compares the sequence numbers published per node with those stored, and prints the counts.</summary>
public static class Reconcile
{
    public static async Task<HashSet<long>[]> FromInfluxAsync(InfluxDb1Server influx, string database, string quantity, int nodes)
    {
        var result = new HashSet<long>[nodes];
        for (int i = 0; i < nodes; i++)
        {
            var rows = await influx.QueryAsync(database, $"SELECT \"seq\" FROM \"{quantity}\" WHERE \"node\"='{LoadGenerator.Node(i)}'");
            result[i] = rows.Select(r => r["seq"].GetInt64()).ToHashSet();
        }

        return result;
    }

    public static async Task<HashSet<long>[]> FromVictoriaMetricsAsync(VictoriaMetricsServer vm, string quantity, int nodes)
    {
        var series = await vm.ExportAsync($"{{__name__=\"{quantity}_seq\"}}");
        var result = Enumerable.Range(0, nodes).Select(_ => new HashSet<long>()).ToArray();
        foreach (var s in series)
        {
            int node = int.Parse(s.Labels["node"]["load-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            foreach (double v in s.Values)
            {
                result[node].Add((long)v);
            }
        }

        return result;
    }

    /// <summary>Prints per-node published/stored/missing and returns the total missing.</summary>
    public static long Report(ITestOutputHelper output, string title, LoadGenerator load, HashSet<long>[] stored)
    {
        long missingTotal = 0;
        output.WriteLine(title);
        for (int i = 0; i < load.Nodes; i++)
        {
            long published = load.Published(i);
            long missing = 0;
            for (long seq = 0; seq < published; seq++)
            {
                if (!stored[i].Contains(seq))
                {
                    missing++;
                }
            }

            missingTotal += missing;
            output.WriteLine($"  {LoadGenerator.Node(i)}: published {published}, stored {stored[i].Count}, missing {missing}");
        }

        output.WriteLine($"  total: published {load.PublishedTotal}, stored {stored.Sum(s => s.Count)}, missing {missingTotal}");
        return missingTotal;
    }
}
