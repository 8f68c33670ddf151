using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace CityBrain.Hub.Tests.Ingest;

/// <summary>A socket that offers <c>data</c> in segments: a read returns at most one segment's remaining bytes.</summary>
internal sealed class FakeSocketChannel(byte[] data, int segment) : IMqttChannel
{
    private int _position;

    public int Reads { get; private set; }

    public X509Certificate2 ClientCertificate => null!;

    public EndPoint RemoteEndPoint => new IPEndPoint(IPAddress.Loopback, 1883);

    public EndPoint LocalEndPoint => new IPEndPoint(IPAddress.Loopback, 50000);

    public bool IsSecureConnection => false;

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Reads++;
        int segmentLeft = segment - (_position % segment);
        int n = Math.Min(Math.Min(count, segmentLeft), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
        _position += n;
        return n;
    }

    public List<byte[]> Writes { get; } = [];

    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        Writes.Add(buffer.ToArray());
        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }
}
