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
        // MQTTnet's own payload copies have any length; none of these may throw (ArrayPool.Return would for a foreign size).
        PayloadBuffers.Return(new ReadOnlySequence<byte>(new byte[100]));
        PayloadBuffers.Return(new ReadOnlySequence<byte>(new byte[8]));
        PayloadBuffers.Return(new ReadOnlySequence<byte>(new byte[2 * PayloadBuffers.MaxPooledBytes]));
        PayloadBuffers.Return(new ReadOnlySequence<byte>(new byte[PayloadBuffers.MaxPooledBytes + 1]));
        PayloadBuffers.Return(default);
        PayloadBuffers.Return(new ReadOnlySequence<byte>(new ReadOnlyMemory<byte>(new byte[1024], 10, 100)));
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
