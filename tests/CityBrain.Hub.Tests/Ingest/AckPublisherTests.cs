using System.Text.Json;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class AckPublisherTests
{
    private static readonly NodeTopic Topic = new("d1", "g1", "n1", Topics.Telemetry);

    [Fact]
    public void RangesOf_ReadingsAndRejectedReadingsWithASeq_AsInclusiveRuns()
    {
        using var metrics = new IngestMetrics();
        var acks = new AckPublisher(new AckOptions(), "hub-a", metrics, new FakeTimeProvider(), NullLogger.Instance);
        var now = DateTimeOffset.UnixEpoch;
        var message = new TelemetryMessage("n1", now, [.. new long[] { 5, 6, 7, 9, 10 }.Select(seq => new SequencedReading(seq, new Reading("s1", "speed", 1, "km/h", now)))])
        {
            Rejected = [new RejectedReading(3, 8, "s1", new ContractViolation("invalid_value", "x"), "{}"), new RejectedReading(4, null, null, new ContractViolation("missing_field", "x"), "{}")],
        };

        Assert.Equal([new(5, 7), new(9, 10), new(8, 8)], acks.RangesOf(message));
        Assert.Empty(new AckPublisher(new AckOptions { Enabled = false }, null, metrics, new FakeTimeProvider(), NullLogger.Instance).RangesOf(message));
    }

    [Fact]
    public void Messages_MergeOverlappingAndTouchingRanges_SplitAtTheContractsLimit_OnTheNodesAckTopic()
    {
        using var metrics = new IngestMetrics();
        var acks = new AckPublisher(new AckOptions(), "hub-a", metrics, new FakeTimeProvider(), NullLogger.Instance);

        // Out of order (parallel writers), touching and overlapping: one range.
        var merged = acks.Messages(Topic, [new(10, 19), new(0, 9), new(5, 12), new(20, 20)]).Single();
        Assert.Equal("citybrain/v1/d1/g1/n1/ack", merged.Topic);
        var ack = JsonSerializer.Deserialize(merged.Payload.FirstSpan, ContractJsonContext.Default.AckMessage)!;
        Assert.Equal(("n1", "hub-a"), (ack.Node, ack.Hub));
        Assert.Equal([[0L, 20L]], ack.Ranges);

        // Every other seq: 1500 disjoint ranges go out in two messages of at most 1024.
        var scattered = Enumerable.Range(0, 1500).Select(i => new AckPublisher.SeqRange(i * 2L, i * 2L)).ToList();
        var messages = acks.Messages(Topic, scattered).Select(m => JsonSerializer.Deserialize(m.Payload.FirstSpan, ContractJsonContext.Default.AckMessage)!).ToList();
        Assert.Equal([AckMessage.MaxRanges, 1500 - AckMessage.MaxRanges], messages.Select(m => m.Ranges.Count));
        Assert.Equal(scattered.Select(r => r.First), messages.SelectMany(m => m.Ranges).Select(r => r[0]));
    }
}
