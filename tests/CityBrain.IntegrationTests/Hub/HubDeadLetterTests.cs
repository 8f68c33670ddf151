using System.Globalization;
using System.Text;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// Per-reading rejection and durable dead letters on real Mosquitto and a real InfluxDB 1.6: every reading sent is
/// either a point in the database or a dead letter in the hub's files, counted, exactly.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HubDeadLetterTests
{
    private const string Node = "n-dl";
    private const string Topic = "citybrain/v1/d01/g01/n-dl/telemetry";

    private readonly ITestOutputHelper _output;

    public HubDeadLetterTests(ITestOutputHelper output) => _output = output;

    private enum Fate
    {
        Stored,
        BadReading,
        FieldTypeConflict,
        BeyondRetention,
    }

    [Fact]
    public async Task MixedTelemetry_GoodReadingsStored_EachBadReadingAndRefusedPointDeadLetteredOnDisk_ReconcilesExactly()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        // Points older than an hour are beyond this (default) retention policy; an integer "value" already exists in
        // conflict_q, so InfluxDB refuses our float points there (field type conflict). Both answer 400 "partial write".
        Assert.Empty(await influx.QueryAsync("citybrain", "CREATE RETENTION POLICY \"hour\" ON \"citybrain\" DURATION 1h REPLICATION 1 DEFAULT"));
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var seed = new StringContent($"conflict_q,node=seed value=1i {now - 60_000}\n"))
        {
            using var response = await influx.Http.PostAsync("write?db=citybrain&precision=ms", seed);
            Assert.Equal(204, (int)response.StatusCode);
        }

        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-dl", [HubConfig.InfluxV1(influx.Url, "citybrain")], maxLines: 200), health: true);
        await using var node = await TestMqtt.ConnectAsync(broker.Port, "dl-node", listenForDeadLetters: true);

        // Ground truth: what the node sent, reading by reading, and what should become of each.
        var sent = new Dictionary<long, Fate>();
        long seq = 0;
        for (int m = 0; m < 20; m++)
        {
            var readings = new List<string>();
            for (int i = 0; i < 50; i++, seq++)
            {
                long ts = now - 600_000 + seq;
                bool allBad = m == 13; // one message with nothing good in it: dead-lettered reading by reading, nothing written
                var fate = allBad || i % 10 == 3 ? Fate.BadReading : i % 25 == 7 ? Fate.FieldTypeConflict : i % 25 == 17 ? Fate.BeyondRetention : Fate.Stored;
                sent[seq] = fate;
                readings.Add(fate switch
                {
                    Fate.BadReading => BadReading(seq, ts),
                    Fate.FieldTypeConflict => Reading(seq, "conflict_q", ts),
                    Fate.BeyondRetention => Reading(seq, "fine_q", now - (3 * 3_600_000) + seq),
                    _ => Reading(seq, "fine_q", ts),
                });
            }

            string json = $"{{\"v\":1,\"node\":\"{Node}\",\"sent\":{now},\"readings\":[{string.Join(",", readings)}]}}";
            await node.PublishAsync(Topic, Encoding.UTF8.GetBytes(json));
        }

        // A message-level fault stays whole: one dead letter with the whole payload.
        byte[] broken = Encoding.UTF8.GetBytes($"{{\"v\":1,\"node\":\"{Node}\",\"sent\":1,\"readings\":[{Reading(9999, "fine_q", now)}");
        await node.PublishAsync(Topic, broken);

        int expectedLetters = sent.Values.Count(f => f != Fate.Stored) + 1;
        List<DeadLetterMessage> letters = [];
        await Poll.UntilAsync(
            () =>
            {
                letters = [.. DeadLetterStore.ReadAll(hub.DeadLetterDirectory)];
                return letters.Count >= expectedLetters && hub.Statistics.Unacknowledged == 0;
            },
            TimeSpan.FromSeconds(60),
            $"{expectedLetters} dead letters on disk and every message acknowledged");

        var storedRows = await influx.QueryAsync("citybrain", $"SELECT \"seq\" FROM \"fine_q\",\"conflict_q\" WHERE \"node\" = '{Node}'");
        var storedSeqs = storedRows.Select(r => r["seq"].GetInt64()).ToList();
        var letterSeqs = letters.Where(l => l.Seq is not null).Select(l => l.Seq!.Value).ToList();
        _output.WriteLine($"sent {sent.Count}, stored {storedSeqs.Count}, dead-lettered {letters.Count} ({string.Join(", ", letters.GroupBy(l => l.Code).Select(g => $"{g.Key} {g.Count()}"))})");

        // Exactly: every reading sent is stored or dead-lettered, none both, none twice, none invented.
        Assert.Equal(sent.Count, storedSeqs.Count + letterSeqs.Count);
        Assert.Equal(sent.Keys.Order(), storedSeqs.Concat(letterSeqs).Order());
        Assert.Equal(sent.Where(s => s.Value == Fate.Stored).Select(s => s.Key).Order(), storedSeqs.Order());
        foreach (var letter in letters.Where(l => l.Seq is not null))
        {
            Assert.Equal(Node, letter.Node);
            Assert.Equal(Topic, letter.Topic);
            switch (sent[letter.Seq!.Value])
            {
                case Fate.BadReading:
                    Assert.NotEqual(ContractViolation.WriteRejected, letter.Code);
                    Assert.Contains($"\"seq\":{letter.Seq}", letter.Reading, StringComparison.Ordinal); // the whole reading as sent
                    break;
                case Fate.FieldTypeConflict:
                    Assert.Equal(ContractViolation.WriteRejected, letter.Code);
                    Assert.Contains("field_type_conflict", letter.Reason, StringComparison.Ordinal);
                    Assert.StartsWith("conflict_q,district=d01,grid=g01,node=n-dl,", letter.Line, StringComparison.Ordinal);
                    break;
                case Fate.BeyondRetention:
                    Assert.Equal(ContractViolation.WriteRejected, letter.Code);
                    Assert.Contains("beyond_retention", letter.Reason, StringComparison.Ordinal);
                    Assert.StartsWith("fine_q,district=d01,grid=g01,node=n-dl,", letter.Line, StringComparison.Ordinal);
                    break;
                default:
                    Assert.Fail($"seq {letter.Seq} was stored and dead-lettered");
                    break;
            }
        }

        var whole = Assert.Single(letters, l => l.Seq is null);
        Assert.Equal(ContractViolation.InvalidJson, whole.Code);
        Assert.Equal(broken, Convert.FromBase64String(whole.Payload!));

        // A dead-lettered reading was delivered: the hub's sequence statistics show no gap for it.
        var sequence = Assert.Single(hub.Statistics.Sequences, s => s.Node == Node);
        Assert.Equal((seq - 1, 0L, (long)sent.Count), (sequence.HighestSeq, sequence.Missing, sequence.Received));

        // The counters say the same as the files.
        Assert.Equal(letters.Count, hub.Statistics.RejectedByCode.Values.Sum());
        Assert.Equal(letters.Count, hub.Statistics.DeadLetters!.Stored);
        Assert.Equal(0, hub.Statistics.DeadLetters.DroppedByCap);

        // The published copies carry the reason but not the whole payload.
        await Poll.UntilAsync(() => node.DeadLetters.Count == letters.Count, TimeSpan.FromSeconds(20), "every dead letter published");
        Assert.All(node.DeadLetters, d => Assert.Null(d.Payload));
    }

    private static string Reading(long seq, string quantity, long ts) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"seq\":{seq},\"sensor\":\"s{seq}\",\"quantity\":\"{quantity}\",\"value\":{seq}.5,\"unit\":\"%\",\"ts\":{ts},\"quality\":\"good\"}}");

    /// <summary>One reading that breaks the contract, in one of five ways (value, timestamp, quality, missing member, sensor id).</summary>
    private static string BadReading(long seq, long ts) => (seq % 5) switch
    {
        0 => Reading(seq, "fine_q", ts).Replace($"\"value\":{seq}.5", "\"value\":\"high\"", StringComparison.Ordinal),
        1 => Reading(seq, "fine_q", ts / 1000),
        2 => Reading(seq, "fine_q", ts).Replace("\"good\"", "\"fine\"", StringComparison.Ordinal),
        3 => Reading(seq, "fine_q", ts).Replace("\"unit\":\"%\",", string.Empty, StringComparison.Ordinal),
        _ => Reading(seq, "fine_q", ts).Replace($"\"s{seq}\"", "\"Sensor 1\"", StringComparison.Ordinal),
    };
}
