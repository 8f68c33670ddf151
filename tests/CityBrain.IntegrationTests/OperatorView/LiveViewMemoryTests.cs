using System.IO.Pipelines;
using System.Text.Json;
using CityBrain.Hub.Service.OperatorView;
using CityBrain.Testing.Hub;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>
/// What one live update costs the hub at city scale: 300 nodes × 100 sensors with an hour of sparklines, fed through
/// <see cref="CityBrain.Hub.Health.HealthRegistry.OnTelemetry"/>. Before, a <c>state</c> and a <c>sparks</c> payload
/// held every node's view (and all sparklines) at once and allocated well over 100 MiB; now they are written node by
/// node, sparks only for a scope within <see cref="OperatorViewOptions.MaxDetailSensors"/>.
/// </summary>
public sealed class LiveViewMemoryTests(ITestOutputHelper output)
{
    private const int Nodes = 300;
    private const int Sensors = 100;
    private const int Minutes = 60;

    /// <summary>
    /// State plus sparks of one scope. The registry's own views without sparklines (~27 KB per node of 100 sensors,
    /// made and dropped one at a time) are most of it; the old path took ~10 times as much.
    /// </summary>
    private const long Bound = 24L << 20;

    [Fact]
    public void StateAndSparks_AtCityScale_AllocateFarLessThanTheWholeCitysViews()
    {
        using var view = new ViewHarness();
        Feed(view);

        Change(view);
        long city = Allocated(() => Payloads(view, NodeFilter.All));
        Change(view);
        long grid = Allocated(() => Payloads(view, NodeFilter.From(null, "g00", null, null)));
        long old = Allocated(() => OldPath(view));
        output.WriteLine($"{Nodes} nodes x {Sensors} sensors, {Minutes} min of sparklines: state + sparks allocate {city / 1048576.0:N1} MiB for the city (summaries), {grid / 1048576.0:N1} MiB for one grid (detail and sparks of 1000 sensors); the old path {old / 1048576.0:N1} MiB");

        var cityState = view.ParseState(NodeFilter.All);
        Assert.Equal((Nodes, Nodes * Sensors, false), (cityState.Scope.Nodes, cityState.Scope.Sensors, cityState.Scope.Detail));
        Assert.All(cityState.Nodes, n => Assert.Null(n.Sensors));
        var gridState = view.ParseState(NodeFilter.From(null, "g00", null, null));
        Assert.Equal((10, 1000, true), (gridState.Scope.Nodes, gridState.Scope.Sensors, gridState.Scope.Detail));
        Assert.Equal(10, gridState.Nodes.Count(n => n.Sensors is { Count: Sensors }));
        Assert.True(city < Bound, $"city scope allocated {city / 1048576.0:N1} MiB, bound {Bound >> 20} MiB");
        Assert.True(grid < Bound, $"grid scope allocated {grid / 1048576.0:N1} MiB, bound {Bound >> 20} MiB");
        Assert.True(old > 4 * Bound, $"the old path allocated only {old / 1048576.0:N1} MiB: the bound no longer tells the two apart");
    }

    private static void Feed(ViewHarness view)
    {
        var nodes = Enumerable.Range(0, Nodes).Select(n => new NodeMessages($"d{n % 5}", $"g{n % 30:D2}", $"n{n:D3}")).ToArray();
        var readings = new (string Sensor, string Quantity, double Value, string Unit)[Sensors];
        for (int minute = 0; minute <= Minutes; minute++)
        {
            foreach (var node in nodes)
            {
                for (int s = 0; s < Sensors; s++)
                {
                    readings[s] = (SensorIds[s], "pm2_5", 10 + ((minute * 7 + s) % 50) + 0.25, "ug/m3");
                }

                view.Registry.OnTelemetry(node.Topic("telemetry"), node.Telemetry(view.Now, readings), view.Now);
            }

            if (minute < Minutes)
            {
                view.Time.Advance(TimeSpan.FromMinutes(1));
            }
        }
    }

    private static readonly string[] SensorIds = [.. Enumerable.Range(0, Sensors).Select(i => $"s{i:D3}")];

    /// <summary>A change in the registry: the next state payload is built anew.</summary>
    private static void Change(ViewHarness view)
    {
        view.Time.Advance(TimeSpan.FromMilliseconds(1));
        var n = new NodeMessages("d0", "g00", "n000");
        view.Registry.OnHealth(n.Topic("health"), n.Health(view.Now), view.Now);
    }

    /// <summary>One state payload and one sparks payload of <paramref name="filter"/>, as the live stream makes them.</summary>
    private static void Payloads(ViewHarness view, NodeFilter filter)
    {
        GC.KeepAlive(view.Stream.State(filter));
        var pipe = PipeWriter.Create(Stream.Null);
        Assert.True(view.Stream.WriteSparksAsync(pipe, filter, CancellationToken.None).IsCompletedSuccessfully);
    }

    /// <summary>What the stream did before: every node's view without sparklines serialized, then with sparklines as one dictionary.</summary>
    private static void OldPath(ViewHarness view)
    {
        GC.KeepAlive(JsonSerializer.SerializeToUtf8Bytes(view.Registry.GetNodes(sparklines: false).ToList(), ViewJsonContext.Default.ListNodeView));
        GC.KeepAlive(JsonSerializer.SerializeToUtf8Bytes(LiveViewWriterTests.OldSparklines(view.Registry.GetNodes(sparklines: true), view.Now), ViewJsonContext.Default.LiveSparklines));
    }

    private static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
