using System.Buffers;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Edge.Publishing;

/// <summary>
/// Encodes telemetry messages no larger than a byte limit (the publish setting <c>maxMessageBytes</c>, kept below the
/// broker's <c>max_packet_size</c> and the hub's MQTT Maximum Packet Size): a batch whose message would be larger goes
/// out as several messages, each the longest run of its readings that fits.
/// </summary>
public static class TelemetryMessageWriter
{
    /// <summary>
    /// The smallest limit allowed: one reading with the longest names the contract allows (64-character sensor and
    /// quantity, 16-character unit, all escaped) and the envelope take well under this.
    /// </summary>
    public const int MinMessageBytes = 4096;

    /// <summary>
    /// Writes into <paramref name="output"/> (after resetting it) a message with the readings of
    /// <paramref name="readings"/> from <paramref name="offset"/>: as many as fit in <paramref name="maxBytes"/>.
    /// Returns how many it took (at least one).
    /// </summary>
    public static int WriteFitting(string node, DateTimeOffset sent, IReadOnlyList<SequencedReading> readings, int offset, int maxBytes, ArrayBufferWriter<byte> output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, MinMessageBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, readings.Count);
        int count = readings.Count - offset;
        while (true)
        {
            output.ResetWrittenCount();
            IReadOnlyList<SequencedReading> part = offset == 0 && count == readings.Count ? readings : new ReadingRange(readings, offset, count);
            TelemetryCodec.Write(new TelemetryMessage(node, sent, part), output);
            int size = output.WrittenCount;
            if (size <= maxBytes)
            {
                return count;
            }

            if (count == 1)
            {
                throw new InvalidOperationException($"one reading (seq {readings[offset].Seq}) encodes to {size} bytes, more than the message limit of {maxBytes} bytes");
            }

            // Readings encode to similar sizes: scale the count down to the limit (with a margin), at least by one.
            int estimate = (int)((long)count * maxBytes / size * 95 / 100);
            count = Math.Clamp(estimate, 1, count - 1);
        }
    }
}
