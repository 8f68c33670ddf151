using System.Buffers;
using CityBrain.Hub.Ingest;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class PayloadBuffersTests
{
    [Theory]
    [InlineData(1, 16)]
    [InlineData(12_000, 16_384)]
    [InlineData(PayloadBuffers.MaxPooledBytes, PayloadBuffers.MaxPooledBytes)]
    [InlineData(PayloadBuffers.MaxPooledBytes + 1, PayloadBuffers.MaxPooledBytes + 1)]
    [InlineData(1_000_000, 1_000_000)]
    public void Rent_PoolsPowersOfTwoUpToTheLimit_AllocatesLargerBodiesExactly(int length, int expected) =>
        Assert.Equal(expected, PayloadBuffers.Rent(length).Length);

    [Fact]
    public void Return_ArraysThePoolCannotHold_AreLeftToTheGc()
    {
        // MQTTnet's own payload copies have any length; none of these may throw (ArrayPool.Return would for a foreign
        // size), and none may be handed out again: a later Rent of the nearest pooled size gets another array. Sizes no
        // other test rents, so no parallel test takes an array in between.
        byte[] odd = new byte[3000]; // not a power of two: the 4 KiB bucket must not hand it out
        byte[] tooLarge = new byte[2 * PayloadBuffers.MaxPooledBytes];
        byte[] justOver = new byte[PayloadBuffers.MaxPooledBytes + 1];
        byte[] tooSmall = new byte[8];
        byte[] sliced = new byte[2048]; // a pooled size, but given back as two segments: not one array
        foreach (byte[] array in new[] { odd, tooLarge, justOver, tooSmall })
        {
            var ex = Record.Exception(() => PayloadBuffers.Return(new ReadOnlySequence<byte>(array)));
            Assert.Null(ex);
        }

        Assert.Null(Record.Exception(() => PayloadBuffers.Return(default)));
        Assert.Null(Record.Exception(() => PayloadBuffers.Return(TwoSegments(sliced))));

        byte[] rented4K = PayloadBuffers.Rent(3000);
        byte[] rented2K = PayloadBuffers.Rent(2000);
        byte[] rentedMax = PayloadBuffers.Rent(PayloadBuffers.MaxPooledBytes + 1);
        byte[] rented16 = PayloadBuffers.Rent(16);
        Assert.NotSame(odd, rented4K);
        Assert.Equal(4096, rented4K.Length);
        Assert.NotSame(sliced, rented2K);
        Assert.NotSame(justOver, rentedMax);
        Assert.NotSame(tooLarge, rentedMax);
        Assert.Equal(16, rented16.Length);
        Assert.NotSame(tooSmall, rented16);
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] array)
    {
        var first = new Segment(array.AsMemory(0, 1024));
        var second = first.Append(array.AsMemory(1024));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }

    [Fact]
    public void Return_ThenRent_GivesTheArrayBack()
    {
        // A size no other test uses, so no parallel test takes it in between.
        byte[] array = PayloadBuffers.Rent(PayloadBuffers.MaxPooledBytes / 2 + 1);
        PayloadBuffers.Return(new ReadOnlySequence<byte>(array.AsMemory(5, 100)));
        Assert.Same(array, PayloadBuffers.Rent(PayloadBuffers.MaxPooledBytes / 2 + 7));
    }
}
