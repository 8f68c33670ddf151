using CityBrain.Edge.Buffering;
using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Buffering;

public sealed class MemoryReadingBufferTests : ReadingBufferContractTests
{
    protected override ValueTask<IReadingBuffer> CreateBufferAsync(BufferLimits limits) =>
        ValueTask.FromResult<IReadingBuffer>(new MemoryReadingBuffer(
            new MemoryBufferOptions { MaxReadings = limits.CapacityReadings, MaxAge = limits.MaxAge, LiveWindow = limits.LiveWindow },
            Time));

    [Fact]
    public async Task FirstSeq_IsInjectable()
    {
        await using var buffer = new MemoryReadingBuffer(new MemoryBufferOptions { FirstSeq = 1_000 }, Time);
        await buffer.AppendAsync(TestReadings.Range(0, 2), Ct);

        BufferBatch batch = await buffer.BeginBatchAsync(BufferLane.Live, 10, Ct);

        Assert.Equal(new long[] { 1_000, 1_001 }, TestReadings.Seqs(batch));
        Assert.Equal(1_002, buffer.GetStats().NextSeq);
    }

    [Fact]
    public async Task Overflow_IsExactToTheReading()
    {
        await using var buffer = new MemoryReadingBuffer(new MemoryBufferOptions { MaxReadings = 10 }, Time);
        await buffer.AppendAsync(TestReadings.Range(0, 7), Ct);
        await buffer.AppendAsync(TestReadings.Range(7, 7), Ct);

        Assert.Equal(4, buffer.GetStats().DroppedOverflow);
        Assert.Equal(10, buffer.GetStats().Readings);
    }

    [Theory]
    [InlineData(0, "MaxReadings")]
    [InlineData(-5, "MaxReadings")]
    public void Options_Invalid_MessageNamesFieldAndValue(int maxReadings, string field)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryBufferOptions { MaxReadings = maxReadings }.Validate());
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Contains(maxReadings.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }
}
