using System.Buffers;
using CityBrain.Edge.Publishing;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Edge.Tests.Publishing;

public sealed class TelemetryMessageWriterTests
{
    private static readonly DateTimeOffset Sent = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);

    [Fact]
    public void WriteFitting_SmallBatch_OneMessageWithEveryReading()
    {
        var readings = Readings(10, nameLength: 8);
        var output = new ArrayBufferWriter<byte>();

        int count = TelemetryMessageWriter.WriteFitting("n-01", Sent, readings, 0, 4096, output);

        Assert.Equal(10, count);
        Assert.True(TelemetryCodec.TryRead(output.WrittenSpan, out var message, out _));
        Assert.Equal(readings, message!.Readings);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(10_000)]
    [InlineData(65_536)]
    public void WriteFitting_HugeReadings_SplitIntoMessagesUnderTheLimit_EveryReadingOnceInOrder(int maxBytes)
    {
        // The longest names the contract allows: 64-character sensor and quantity ids, a 16-character unit.
        var readings = Readings(2000, nameLength: 64);
        var output = new ArrayBufferWriter<byte>();
        var carried = new List<SequencedReading>();
        int messages = 0;

        for (int offset = 0; offset < readings.Count;)
        {
            int count = TelemetryMessageWriter.WriteFitting("n-01", Sent, readings, offset, maxBytes, output);
            Assert.InRange(output.WrittenCount, 1, maxBytes);
            Assert.True(TelemetryCodec.TryRead(output.WrittenSpan, out var message, out var violation), violation?.ToString());
            Assert.Equal(count, message!.Readings.Count);
            carried.AddRange(message.Readings);
            offset += count;
            messages++;
        }

        Assert.Equal(readings, carried);
        Assert.True(messages > 1);

        // Full messages, not a trickle: on average each holds more than 80% of the limit (the last one excepted).
        int total = readings.Count;
        Assert.True(messages <= Math.Ceiling(EncodedSize(readings) / (maxBytes * 0.8)) + 1, $"{messages} messages for {total} readings");
    }

    [Fact]
    public void WriteFitting_LimitBelowMinimum_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TelemetryMessageWriter.WriteFitting("n-01", Sent, Readings(1, 8), 0, 1000, new ArrayBufferWriter<byte>()));

    private static double EncodedSize(IReadOnlyList<SequencedReading> readings) =>
        TelemetryCodec.Serialize(new TelemetryMessage("n-01", Sent, readings)).Length;

    private static List<SequencedReading> Readings(int count, int nameLength)
    {
        string sensor = "s" + new string('x', nameLength - 2);
        string quantity = "q" + new string('y', nameLength - 1);
        return Enumerable.Range(0, count)
            .Select(i => new SequencedReading(1_000_000 + i, new Reading(sensor + (i % 10), quantity[..^1] + (i % 7), -123456.789012 * i, "ug/m3-per-hour:x", Sent.AddMilliseconds(-i), i % 3 == 0 ? Quality.Uncertain : Quality.Good)))
            .ToList();
    }
}
