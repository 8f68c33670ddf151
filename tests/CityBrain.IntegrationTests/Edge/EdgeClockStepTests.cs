using System.Text.Json;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// The real <c>citybrain-edge</c> process under libfaketime (Debian package <c>faketime</c>): its wall clock is stepped
/// back and forward through a timestamp file while the kernel's monotonic clock runs on, as when NTP or an operator
/// steps a node's clock. Sampling must go on at its rate and nothing may be purged.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EdgeClockStepTests
{
    private const string LibFaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

    // 2 traffic sensors x 3 channels every 100 ms: 60 readings/s.
    private const string Sensors = """
        [
          { "id": "loop-01", "driver": "simulated", "kind": "traffic", "intervalMs": 100, "seed": 1 },
          { "id": "loop-02", "driver": "simulated", "kind": "traffic", "intervalMs": 100, "seed": 2 }
        ]
        """;

    private const int ReadingsPerSecond = 60;

    private readonly ITestOutputHelper _output;

    public EdgeClockStepTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task WallClockStepsBack5MinutesThenForward8Days_SamplingGoesOnAtItsRate_NothingIsPurged()
    {
        if (!File.Exists(LibFaketime))
        {
            throw new InvalidOperationException($"{LibFaketime} is missing: apt-get install -y faketime (scripts/install-deps.sh does this)");
        }

        using var clockDir = new TempDirectory("faketime");
        string offsetFile = clockDir.Combine("offset");
        await File.WriteAllTextAsync(offsetFile, "+0\n");
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(
            broker.Host, broker.Port, ["citybrain/v1/+/+/+/telemetry", "citybrain/v1/+/+/+/health"], persistent: true, clientId: "city-brain-clock");
        await using var edge = EdgeProcess.Start(
            path => EdgeNodeHarness.Config(broker.Port, Sensors, path, "disk", "n-clock-01", """{ "healthIntervalSeconds": 1, "maxBatchDelayMs": 20 }"""),
            [
                "LD_PRELOAD=" + LibFaketime,
                "FAKETIME_TIMESTAMP_FILE=" + offsetFile,
                "FAKETIME_CACHE_DURATION=1",      // re-read the offset file every second
                "FAKETIME_DONT_FAKE_MONOTONIC=1", // a real clock step leaves CLOCK_MONOTONIC alone
            ]);
        var ledger = new TelemetryLedger();
        await edge.WaitUntilAsync(() => ledger.Update(sub.Messages).BySeq.Count > 300, TimeSpan.FromSeconds(30), "telemetry before the step");
        double before = await SamplingRateAsync(sub, TimeSpan.FromSeconds(10), edge);

        // Back 5 minutes: today sampling stops for those 5 minutes (about 15 readings in 20 s instead of 1,200).
        await File.WriteAllTextAsync(offsetFile, "-5m\n");
        await edge.WaitUntilAsync(() => Latest(sub, "/health") is { } h && h.GetProperty("ts").GetInt64() < DateTimeOffset.UtcNow.AddMinutes(-4).ToUnixTimeMilliseconds(), TimeSpan.FromSeconds(10), "the edge to report the stepped clock");
        double afterBack = await SamplingRateAsync(sub, TimeSpan.FromSeconds(10), edge);

        // Forward 8 days (past the 168 h maximum age) with the broker down, so a backlog is on disk: today it is purged.
        await broker.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await File.WriteAllTextAsync(offsetFile, "+8d\n");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await broker.StartProcessAsync();
        await edge.WaitUntilAsync(() => Latest(sub, "/health") is { } h && h.GetProperty("ts").GetInt64() > DateTimeOffset.UtcNow.AddDays(7).ToUnixTimeMilliseconds(), TimeSpan.FromSeconds(20), "the edge to report the forward clock");
        double afterForward = await SamplingRateAsync(sub, TimeSpan.FromSeconds(10), edge);
        long maxSeq = ledger.Update(sub.Messages).MaxSeq;
        await edge.WaitUntilAsync(() => ledger.Update(sub.Messages).HasAll(0, maxSeq), TimeSpan.FromSeconds(20), $"every seq up to {maxSeq}");

        var dropped = Latest(sub, "/health")!.Value.GetProperty("buffer").GetProperty("dropped");
        _output.WriteLine(
            $"sampled readings/s (configured {ReadingsPerSecond}): {before:F1} before, {afterBack:F1} in the 10 s after stepping back 5 min, {afterForward:F1} in the 10 s after stepping forward 8 days; received {ledger}; dropped {dropped}");
        Assert.InRange(before, 0.6 * ReadingsPerSecond, 1.25 * ReadingsPerSecond);
        Assert.InRange(afterBack, 0.75 * before, 1.25 * before);
        Assert.InRange(afterForward, 0.75 * before, 1.25 * before);
        Assert.Empty(ledger.Gaps());
        Assert.Equal(0, ledger.ConflictingDuplicates);
        foreach (var reason in dropped.EnumerateObject())
        {
            Assert.True(reason.Value.GetInt64() == 0, $"dropped.{reason.Name} = {reason.Value}");
        }
    }

    /// <summary>
    /// Readings the sensors produced per second over <paramref name="window"/> (ground truth: the runners' sampled
    /// counters and the node's uptime, both from its health messages; the uptime is monotonic).
    /// </summary>
    private static async Task<double> SamplingRateAsync(MqttCollector sub, TimeSpan window, EdgeProcess edge)
    {
        var first = await NextHealthAsync(sub, edge);
        await Task.Delay(window);
        var last = await NextHealthAsync(sub, edge);
        long sampled = Sampled(last) - Sampled(first);
        long seconds = last.GetProperty("uptimeS").GetInt64() - first.GetProperty("uptimeS").GetInt64();
        return seconds <= 0 ? 0 : (double)sampled / seconds;
    }

    private static async Task<JsonElement> NextHealthAsync(MqttCollector sub, EdgeProcess edge)
    {
        int seen = sub.OnTopicEndingWith("/health").Count;
        await edge.WaitUntilAsync(() => sub.OnTopicEndingWith("/health").Count > seen, TimeSpan.FromSeconds(10), "a health message");
        return Latest(sub, "/health")!.Value;
    }

    private static long Sampled(JsonElement health) => health.GetProperty("sensors").EnumerateArray().Sum(s => s.GetProperty("sampled").GetInt64());

    private static JsonElement? Latest(MqttCollector sub, string suffix)
    {
        var all = sub.OnTopicEndingWith(suffix);
        return all.Count == 0 || all[^1].Payload.Length == 0 ? null : JsonDocument.Parse(all[^1].Payload).RootElement.Clone();
    }
}
