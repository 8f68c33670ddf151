using CityBrain.Hub.Sinks;

namespace CityBrain.Hub.Tests.Sinks;

public sealed class LineBufferPoolTests
{
    [Fact]
    public void Batches_ReuseTheGrownBuffer_InsteadOfGrowingAgain()
    {
        var pool = new LineBufferPool(3);
        byte[] grown;
        using (var batch = new LineBatch(64 * 1024, pool))
        {
            for (int i = 0; i < 5000; i++)
            {
                batch.BeginLine("air_quality", i).Tag("node", "node-" + i).Field("value", i * 0.5).EndLine(1_780_000_000_000 + i);
            }

            Assert.True(batch.ByteCount > 64 * 1024);
            grown = (byte[])typeof(LineBatch).GetField("_buffer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(batch)!;
        }

        // The intermediate sizes of the growth are kept only up to the capacity; the next batch starts with the largest.
        Assert.InRange(pool.Retained, 1, 3);
        using var next = new LineBatch(64 * 1024, pool);
        Assert.Same(grown, typeof(LineBatch).GetField("_buffer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(next));
    }

    [Fact]
    public void Return_BeyondCapacity_KeepsTheLargest_AndNeverMoreThanCapacity()
    {
        var pool = new LineBufferPool(2);
        pool.Return(new byte[1024]);
        pool.Return(new byte[4096]);
        pool.Return(new byte[2048]);
        Assert.Equal(2, pool.Retained);
        Assert.Equal(4096 + 2048, pool.RetainedBytes);
        pool.Return(new byte[LineBufferPool.MaxRetainedBytes + 1]);
        Assert.Equal(4096 + 2048, pool.RetainedBytes);

        Assert.Equal(4096, pool.Rent(100).Length);
        Assert.Equal(2048, pool.Rent(100).Length);
        Assert.Equal(0, pool.Retained);
        var fresh = pool.Rent(5000);
        Assert.Equal(8192, fresh.Length);
    }

    [Fact]
    public void Rent_TooSmallRetained_AllocatesAndKeepsTheSmallOne()
    {
        var pool = new LineBufferPool(2);
        pool.Return(new byte[1024]);
        Assert.True(pool.Rent(100_000).Length >= 100_000);
        Assert.Equal(1, pool.Retained);
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(5000, 8192)]
    [InlineData(65_536, 65_536)]
    [InlineData(65_537, 131_072)]
    [InlineData(589_824, 589_824)]
    [InlineData(600_000, 655_360)]
    [InlineData(1_000_000, 1_048_576)]
    public void SizeFor_PowersOfTwoBelow64KiB_MultiplesOf64KiBAbove(int minimum, int expected) =>
        Assert.Equal(expected, LineBufferPool.SizeFor(minimum));

    [Fact]
    public void Batch_Of5000DocumentedLines_GrowsTo768KiB_NotAMebibyte()
    {
        var pool = new LineBufferPool(3);
        using var batch = new LineBatch(64 * 1024, pool);
        for (int i = 0; i < 5000; i++)
        {
            // ~110 bytes, as the benchmark's lines with value, quality and seq.
            batch.BeginLine("q2_bench", i).Tag("district", "d1").Tag("grid", "g1").Tag("node", "n0001").Tag("sensor", "s001")
                .Field("quality", 0L).Field("seq", 1_000_000_000_000 + i).Field("value", i + 0.25).EndLine(1_780_000_000_000 + i);
        }

        Assert.InRange(batch.ByteCount, 500_000, 786_432);
        var buffer = (byte[])typeof(LineBatch).GetField("_buffer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(batch)!;
        Assert.Equal(786_432, buffer.Length);
    }

    [Fact]
    public void ForWriters_HoldsEveryBatchInFlight() => Assert.Equal(9, LineBufferPool.ForWriters(4).Capacity);
}
