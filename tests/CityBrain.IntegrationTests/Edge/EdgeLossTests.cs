using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using CityBrain.Drivers.Modbus;
using CityBrain.Testing;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// The edge's loss guarantees against a real Mosquitto, reconciled by seq at a persistent subscriber: a SIGKILLed
/// process, a record torn on disk, and a 30 s broker outage (with live readings going out ahead of the backlog).
/// </summary>
[Trait("Category", "Integration")]
public sealed class EdgeLossTests
{
    private const string TelemetryTopic = "citybrain/v1/+/+/+/telemetry";
    private const int HeaderSize = 40; // edge/CityBrain.Edge/Buffering/RecordHeader.cs
    private const byte ReadingsKind = 1;

    /// <summary>What a SIGKILL may take: readings sampled in this last moment are still in memory (not yet on disk).</summary>
    private static readonly TimeSpan KillWindow = TimeSpan.FromMilliseconds(500);

    private readonly ITestOutputHelper _output;

    public EdgeLossTests(ITestOutputHelper output) => _output = output;

    /// <remarks>
    /// Ground truth from outside the killed process: four Modbus weather stations, each served by its own simulator
    /// (one register per poll: one request is one reading), count what the node asked for. Their readings must all
    /// arrive, except those still in memory when the SIGKILL came (in the intake before a sequence number, or numbered
    /// but not yet written): at most the polls of the last <see cref="KillWindow"/>. Looking only at the seqs that
    /// arrived could not see readings lost before a seq was assigned (the intake holds up to 16,384).
    /// </remarks>
    [Fact]
    public async Task EdgeKilledMidStreamAndRestarted_LosesNothing_AndRepeatsOnlyIdenticalReadings()
    {
        // 10 traffic sensors x 3 channels x 4 samples every 20 ms = 6,000 readings/s, and 4 Modbus stations every 20 ms.
        var template = await TemplateLoader.LoadFileAsync(RepoPaths.Combine("firmware-config", "templates", "weather-station-ws100.json"), CancellationToken.None);
        var stations = new List<(string Id, ModbusSimulator Simulator, int Port)>();
        for (int i = 1; i <= 4; i++)
        {
            var simulator = new ModbusSimulator();
            simulator.AddDevice(1, new SimulatedDevice(template, seed: i));
            stations.Add(($"ws-{i}", simulator, simulator.StartTcp(new IPEndPoint(IPAddress.Loopback, 0)).Port));
        }

        try
        {
            string sensors = SimulatedSensors(10, "traffic", intervalMs: 20, samplesPerPoll: 4)[..^1] + ","
                + string.Join(",", stations.Select(s => $$"""{ "id": "{{s.Id}}", "driver": "modbus", "bus": "bus-{{s.Id}}", "unit": 1, "template": "weather-station-ws100", "points": ["air_temperature"], "intervalMs": 20, "timeoutMs": 1000 }"""))
                + "]";
            string buses = "\"buses\": [" + string.Join(",", stations.Select(s => $$"""{ "id": "bus-{{s.Id}}", "kind": "modbus-tcp", "host": "127.0.0.1", "port": {{s.Port}}, "timeoutMs": 1000 }""")) + "],";
            await using var broker = await MosquittoServer.StartAsync();
            await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, TelemetryTopic, persistent: true, clientId: "city-brain-kill");
            await using var edge = EdgeProcess.Start(path => EdgeNodeHarness.Config(broker.Port, sensors, path, "disk", "n-kill-01").Replace("\"sensors\":", buses + " \"sensors\":", StringComparison.Ordinal));
            var ledger = new TelemetryLedger();

            await WaitAsync(() => ledger.Update(sub.Messages).BySeq.Count > 20_000, TimeSpan.FromSeconds(30), "20,000 readings before the kill", edge);
            await edge.KillAsync();
            var killedAt = DateTimeOffset.UtcNow;
            var asked = stations.ToDictionary(s => s.Id, s => s.Simulator.RequestsServed); // nothing asks any more: the process is gone
            long maxBeforeKill = ledger.Update(sub.Messages).MaxSeq;
            edge.StartProcess();

            // Everything up to well past the kill point arrives, with no hole.
            long target = maxBeforeKill + 20_000;
            await WaitAsync(() => ledger.Update(sub.Messages).MaxSeq >= target && ledger.HasAll(ledger.MinSeq, target), TimeSpan.FromSeconds(40), $"every seq up to {target}", edge);

            var gaps = ledger.Gaps();
            _output.WriteLine($"SIGKILL at seq {maxBeforeKill} received; after restart: {ledger}; missing below {target}: {gaps.Count(g => g <= target)}");
            Assert.Equal(0, ledger.MinSeq);
            Assert.DoesNotContain(gaps, g => g <= target);
            Assert.Equal(0, ledger.ConflictingDuplicates);

            // Against what the stations were asked for before the kill.
            int allowed = (int)(KillWindow.TotalMilliseconds / 20) + 1;
            foreach (var (id, _, _) in stations)
            {
                int received = ledger.BySeq.Values.Count(r => r.Sensor == id && r.Timestamp < killedAt);
                long lost = asked[id] - received;
                _output.WriteLine($"{id}: asked {asked[id]} times before the kill, {received} readings of the first run received, {lost} lost in the kill (at most {allowed})");
                Assert.True(received > 100, $"{id}: only {received} readings before the kill");
                Assert.InRange(lost, 0, allowed);
            }
        }
        finally
        {
            foreach (var (_, simulator, _) in stations)
            {
                await simulator.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RecordCutInHalfOnDisk_LosesExactlyThatRecord_CountsItAsCorrupt_AndNewReadingsKeepFlowing()
    {
        string sensors = SimulatedSensors(4, "environment", intervalMs: 50, samplesPerPoll: 2);
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, [TelemetryTopic, "citybrain/v1/+/+/+/health"], persistent: true, clientId: "city-brain-torn");
        await broker.StopAsync(); // the edge runs with the broker down: everything stays buffered
        await using var edge = EdgeProcess.Start(path => EdgeNodeHarness.Config(broker.Port, sensors, path, "disk", "n-torn-01"));

        await WaitAsync(() => ReadingRecords(edge.BufferPath).Count >= 20, TimeSpan.FromSeconds(30), "20 records on disk", edge);
        await edge.KillAsync();

        string newest = Directory.GetFiles(edge.BufferPath, "*.seg").Order(StringComparer.Ordinal).Last();
        var records = ReadingRecords(edge.BufferPath);
        var last = records[^1];
        Assert.Equal(newest, last.File);
        Assert.Equal(new FileInfo(newest).Length, last.Offset + HeaderSize + last.PayloadLength); // the last record ends the file: nothing else is cut
        long cutAt = last.Offset + HeaderSize + (last.PayloadLength / 2);
        await using (var f = new FileStream(newest, FileMode.Open, FileAccess.Write))
        {
            f.SetLength(cutAt);
        }

        long firstSeq = records[0].Seq;
        long cutFirst = last.Seq;
        long cutEnd = last.Seq + last.Count;
        _output.WriteLine($"{records.Count} reading records on disk, seq {firstSeq}..{cutEnd - 1}; cut the last one (seq {cutFirst}..{cutEnd - 1}, {last.Count} readings, {last.PayloadLength} payload bytes) at byte {cutAt} of {Path.GetFileName(newest)}");

        await broker.StartProcessAsync();
        edge.StartProcess();
        var ledger = new TelemetryLedger();
        await WaitAsync(
            () => ledger.Update(sub.Messages).MaxSeq >= cutEnd + 200 && ledger.HasAll(firstSeq, cutFirst - 1) && ledger.HasAll(cutEnd, cutEnd + 200),
            TimeSpan.FromSeconds(30),
            "every buffered reading before the cut record and 200 new ones after it",
            edge);
        JsonElement? health = null;
        await WaitAsync(
            () => (health = LatestHealth(sub)) is { } h && h.GetProperty("buffer").GetProperty("dropped").GetProperty("corrupt").GetInt64() > 0,
            TimeSpan.FromSeconds(15),
            "a health message counting the corrupt readings",
            edge);

        long corrupt = health!.Value.GetProperty("buffer").GetProperty("dropped").GetProperty("corrupt").GetInt64();
        var missing = ledger.Gaps();
        _output.WriteLine($"after restart: {ledger}; missing seqs {(missing.Count == 0 ? "none" : $"{missing[0]}..{missing[^1]}")}; health dropped.corrupt {corrupt}");
        Assert.Equal(Enumerable.Range(0, last.Count).Select(i => cutFirst + i), missing.Where(s => s < cutEnd + 200));
        Assert.Equal(last.Count, corrupt);
        Assert.Equal(0, ledger.ConflictingDuplicates);
    }

    [Fact]
    public async Task BrokerDownFor30Seconds_NothingIsLost_AndLiveReadingsGoOutBeforeTheBacklogIsDone()
    {
        const string sensors = """
            [
              { "id": "loop-01", "driver": "simulated", "kind": "traffic", "intervalMs": 100, "seed": 1 },
              { "id": "bin-07", "driver": "simulated", "kind": "bin", "intervalMs": 200, "seed": 7 },
              { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 150, "seed": 11 }
            ]
            """;
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, TelemetryTopic, persistent: true, clientId: "city-brain-outage");
        await using var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(
            broker.Port, sensors, path, "disk", "n-outage-01", """{ "healthIntervalSeconds": 2, "maxBatchDelayMs": 20, "backlogReadingsPerSecond": 200 }"""));
        var ledger = new TelemetryLedger();

        await MqttCollector.WaitUntilAsync(() => ledger.Update(sub.Messages).BySeq.Count > 100, TimeSpan.FromSeconds(20), "telemetry before the outage");
        await broker.StopAsync();
        var outageStart = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(30)); // the outage itself: the node keeps reading into its disk buffer
        await broker.StartProcessAsync();
        var reconnected = DateTimeOffset.UtcNow;
        long producedAtReconnect = edge.Node.Buffer.GetStats().NextSeq;

        await MqttCollector.WaitUntilAsync(
            () => ledger.Update(sub.Messages).MaxSeq > producedAtReconnect + 100 && ledger.HasAll(ledger.MinSeq, producedAtReconnect + 100),
            TimeSpan.FromSeconds(25),
            "the backlog and live readings after the outage");

        // Receive order: the last reading stamped during the outage vs the first stamped after the reconnect.
        var outageSeqs = ledger.BySeq.Where(kv => kv.Value.Timestamp > outageStart && kv.Value.Timestamp < reconnected).Select(kv => kv.Key).ToList();
        int lastBacklogArrival = outageSeqs.Max(s => ledger.ArrivalIndex[s]);
        int firstLiveArrival = ledger.BySeq.Where(kv => kv.Value.Timestamp > reconnected).Min(kv => ledger.ArrivalIndex[kv.Key]);
        _output.WriteLine(
            $"outage 30 s: {outageSeqs.Count} readings stamped during it; {ledger}; first post-reconnect reading in message #{firstLiveArrival}, last outage reading in message #{lastBacklogArrival}; reconnects {edge.Node.Connection.Reconnects}");
        Assert.DoesNotContain(ledger.Gaps(), g => g <= producedAtReconnect + 100);
        Assert.Equal(0, ledger.ConflictingDuplicates);
        Assert.True(outageSeqs.Count > 1000, $"only {outageSeqs.Count} readings during the outage");
        Assert.True(firstLiveArrival < lastBacklogArrival, $"live first: first post-reconnect reading arrived in message #{firstLiveArrival}, after the whole backlog (last outage reading in #{lastBacklogArrival})");
    }

    private sealed record DiskRecord(string File, long Offset, int PayloadLength, int Count, long Seq);

    /// <summary>Walks the segment files by the record format (RecordHeader: u32 magic, u8 kind, ..., u32 length @8, u32 count @12, i64 seq @16); complete Readings records only.</summary>
    private static List<DiskRecord> ReadingRecords(string bufferPath)
    {
        var records = new List<DiskRecord>();
        if (!Directory.Exists(bufferPath))
        {
            return records;
        }

        foreach (string file in Directory.GetFiles(bufferPath, "*.seg").Order(StringComparer.Ordinal))
        {
            byte[] bytes;
            using (var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                bytes = new byte[f.Length];
                f.ReadExactly(bytes);
            }

            long pos = 0;
            while (pos + HeaderSize <= bytes.Length)
            {
                var h = bytes.AsSpan((int)pos, HeaderSize);
                Assert.Equal(0x31524243u, BinaryPrimitives.ReadUInt32LittleEndian(h));
                int length = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
                if (pos + HeaderSize + length > bytes.Length)
                {
                    break; // being written
                }

                if (h[4] == ReadingsKind)
                {
                    records.Add(new DiskRecord(file, pos, length, BinaryPrimitives.ReadInt32LittleEndian(h[12..]), BinaryPrimitives.ReadInt64LittleEndian(h[16..])));
                }

                pos += HeaderSize + length;
            }
        }

        return records;
    }

    private static JsonElement? LatestHealth(MqttCollector sub)
    {
        var all = sub.OnTopicEndingWith("/health");
        return all.Count == 0 ? null : JsonDocument.Parse(all[^1].Payload).RootElement.Clone();
    }

    private static string SimulatedSensors(int count, string kind, int intervalMs, int samplesPerPoll) =>
        "[" + string.Join(",", Enumerable.Range(1, count).Select(i => $$"""{ "id": "s-{{i:D2}}", "driver": "simulated", "kind": "{{kind}}", "intervalMs": {{intervalMs}}, "seed": {{i}}, "samplesPerPoll": {{samplesPerPoll}} }""")) + "]";

    private static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, EdgeProcess edge) =>
        edge.WaitUntilAsync(condition, timeout, what);
}
