using System.Buffers;
using CityBrain.Hub.Ingest;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class BufferedMqttChannelTests
{
    [Fact]
    public async Task SmallReads_AreServedFromOneLargeRead_InOrder()
    {
        byte[] data = new byte[100_000];
        new Random(7).NextBytes(data);
        var socket = new FakeSocketChannel(data, segment: 30_000);
        var channel = new BufferedMqttChannel(socket, 64 * 1024);

        var received = new List<byte>();
        int[] pattern = [2, 1, 4096, 4096, 3000, 7, 70_000];
        for (int i = 0; received.Count < data.Length; i++)
        {
            byte[] buffer = new byte[pattern[i % pattern.Length] + 5];
            int n = await channel.ReadAsync(buffer, 5, buffer.Length - 5, CancellationToken.None);
            Assert.InRange(n, 1, buffer.Length - 5);
            received.AddRange(buffer.AsSpan(5, n).ToArray());
        }

        Assert.Equal(data, received.ToArray());
        Assert.True(socket.Reads <= 5, $"{socket.Reads} socket reads for 100 KB offered in 30 KB segments");
        Assert.Equal(0, await channel.ReadAsync(new byte[10], 0, 10, CancellationToken.None)); // closed
    }

    [Fact]
    public async Task Read_ReturnsWhatIsBuffered_WithoutWaitingForMore()
    {
        var socket = new FakeSocketChannel([1, 2, 3], segment: 3);
        var channel = new BufferedMqttChannel(socket, 4096);

        byte[] first = new byte[2];
        Assert.Equal(2, await channel.ReadAsync(first, 0, 2, CancellationToken.None));
        byte[] rest = new byte[100];
        Assert.Equal(1, await channel.ReadAsync(rest, 0, 100, CancellationToken.None)); // one byte left: no second socket read
        Assert.Equal(1, socket.Reads);
        Assert.Equal(new byte[] { 1, 2, 3 }, new byte[] { first[0], first[1], rest[0] });
    }

    [Fact]
    public async Task Reconnect_DropsBytesOfTheOldConnection()
    {
        var socket = new FakeSocketChannel([1, 2, 3, 4], segment: 4);
        var channel = new BufferedMqttChannel(socket, 4096);
        await channel.ReadAsync(new byte[1], 0, 1, CancellationToken.None);
        Assert.Equal(3, channel.Buffered);

        await channel.ConnectAsync(CancellationToken.None);

        Assert.Equal(0, channel.Buffered);
    }

    [Fact]
    public async Task HeldWrites_GoOutTogether_InOrder_AtTheRelease()
    {
        var socket = new FakeSocketChannel([], segment: 1);
        var channel = new BufferedMqttChannel(socket, 4096);

        await channel.WriteAsync(Bytes(1), true, CancellationToken.None);
        channel.HoldWrites();
        for (byte b = 2; b <= 5; b++)
        {
            Assert.True(channel.WriteAsync(Bytes(b, b), true, CancellationToken.None).IsCompletedSuccessfully);
        }

        Assert.Single(socket.Writes);
        await channel.ReleaseWritesAsync(CancellationToken.None);

        Assert.Equal(2, socket.Writes.Count);
        Assert.Equal(new byte[] { 2, 2, 3, 3, 4, 4, 5, 5 }, socket.Writes[1]);
        await channel.WriteAsync(Bytes(6), true, CancellationToken.None); // not held any more
        Assert.Equal(3, socket.Writes.Count);
        Assert.Equal(0, channel.HeldBytes);
    }

    [Fact]
    public async Task HeldWrites_BeyondTheLimit_GoOutAtOnce_AfterTheHeldOnes()
    {
        var socket = new FakeSocketChannel([], segment: 1);
        var channel = new BufferedMqttChannel(socket, 4096);
        channel.HoldWrites();
        await channel.WriteAsync(Bytes(1), true, CancellationToken.None);
        await channel.WriteAsync(new ReadOnlySequence<byte>(new byte[BufferedMqttChannel.MaxHeldBytes]), true, CancellationToken.None);

        Assert.Equal(2, socket.Writes.Count);
        Assert.Equal(new byte[] { 1 }, socket.Writes[0]);
        Assert.Equal(BufferedMqttChannel.MaxHeldBytes, socket.Writes[1].Length);
        await channel.ReleaseWritesAsync(CancellationToken.None);
        Assert.Equal(2, socket.Writes.Count); // nothing left to send
    }

    [Fact]
    public async Task NestedHolds_SendAtTheLastRelease()
    {
        var socket = new FakeSocketChannel([], segment: 1);
        var channel = new BufferedMqttChannel(socket, 4096);
        channel.HoldWrites();
        channel.HoldWrites();
        await channel.WriteAsync(Bytes(1), true, CancellationToken.None);
        await channel.ReleaseWritesAsync(CancellationToken.None);
        Assert.Empty(socket.Writes);
        await channel.ReleaseWritesAsync(CancellationToken.None);
        Assert.Single(socket.Writes);
    }

    private static ReadOnlySequence<byte> Bytes(params byte[] bytes) => new(bytes);
}
