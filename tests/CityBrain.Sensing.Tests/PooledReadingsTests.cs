using System.Buffers;
using System.Text;
using CityBrain.Sensing.Contract;

namespace CityBrain.Sensing.Tests;

public sealed class PooledReadingsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123);

    private static TelemetryMessage Message(int readings) => new(
        "n-1",
        T0,
        [.. Enumerable.Range(0, readings).Select(i => new SequencedReading(100 + i, new Reading($"s{i}", "pm2_5", i + 0.5, "ug/m3", T0.AddSeconds(i), (Quality)(i % 3))))]);

    [Fact]
    public void TryRead_WithAPool_SameReadings_InARentedArray()
    {
        var pool = ArrayPool<SequencedReading>.Create(TelemetryMessage.MaxReadings, 4);
        byte[] payload = TelemetryCodec.Serialize(Message(100));

        Assert.True(TelemetryCodec.TryRead(new ReadOnlySequence<byte>(payload), out var pooled, out _, pool));
        Assert.True(TelemetryCodec.TryRead(payload, out var plain, out _));

        var readings = Assert.IsType<PooledReadings>(pooled!.Readings);
        Assert.Equal(100, readings.Count);
        Assert.Equal(plain!.ReadingSpan().ToArray(), pooled.ReadingSpan().ToArray());
        Assert.Equal(plain.Readings, readings); // the enumerator too
        Assert.Equal((plain.Node, plain.Sent), (pooled.Node, pooled.Sent));
    }

    [Fact]
    public void Return_GivesTheArrayBack_OnlyOnce_AndReadingAfterwardsThrows()
    {
        var pool = ArrayPool<SequencedReading>.Create(TelemetryMessage.MaxReadings, 4);
        Assert.True(TelemetryCodec.TryRead(TelemetryCodec.Serialize(Message(3)), out var message, out _, pool));
        var readings = Assert.IsType<PooledReadings>(message!.Readings);

        readings.Return();
        readings.Return(); // a second return must not put the array into the pool twice

        Assert.Throws<ObjectDisposedException>(() => message.ReadingSpan().Length);
        Assert.Throws<ObjectDisposedException>(() => readings[0]);
        var first = pool.Rent(3);
        var second = pool.Rent(3);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void TryRead_WithAPool_NonCanonicalForm_GetsAnArrayOfItsOwn()
    {
        // Whitespace is not the canonical form: the general reader reads it and allocates the array itself.
        string json = Encoding.UTF8.GetString(TelemetryCodec.Serialize(Message(2))).Replace(",\"readings\"", ", \"readings\"", StringComparison.Ordinal);
        var pool = ArrayPool<SequencedReading>.Create(TelemetryMessage.MaxReadings, 4);

        Assert.True(TelemetryCodec.TryRead(Encoding.UTF8.GetBytes(json), out var message, out var violation, pool), violation?.ToString());

        Assert.IsType<SequencedReading[]>(message!.Readings);
    }
}
