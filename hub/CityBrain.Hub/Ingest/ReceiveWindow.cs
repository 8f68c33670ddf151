using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// The hub-side bound on received-but-unacknowledged messages. MQTTnet 5 reads PUBLISH packets into an unbounded
/// queue ahead of the <c>ApplicationMessageReceivedAsync</c> handler (MqttClient.ReceivePacketsLoop enqueues, a
/// separate task awaits the handler), so awaiting in the handler does not stop the socket reader, and Mosquitto
/// 2.0.11 sends beyond the Receive Maximum once PUBACKs flow. This window stops reading the socket (see
/// <see cref="AdapterFactory"/>) while <see cref="Held"/> exceeds the limit (the Receive Maximum); TCP flow control then
/// holds the broker. At exactly the limit the reader keeps going: a broker that honours the Receive Maximum sends
/// nothing more then but PINGRESP, which must be read (e.g. while the database is down and nothing is acknowledged),
/// or the keep-alive would drop the connection. Large messages are bounded by their payload bytes as well
/// (<c>Hub:Mqtt:ReceiveWindowBytes</c>), which the broker does not know of: above that the reader pauses for a few
/// seconds at a time only.
/// </summary>
public sealed class ReceiveWindow
{
    private readonly object _gate = new();
    private readonly int _limit;
    private readonly long _byteLimit;
    private readonly TimeSpan _byteWait;
    private readonly TimeProvider _time;
    private int _held;
    private long _heldBytes;
    private TaskCompletionSource? _opened;

    /// <param name="limit">Messages (the Receive Maximum).</param>
    /// <param name="byteLimit">Payload bytes held before the reader pauses (memory bound for large messages).</param>
    /// <param name="byteWait">
    /// Longest pause for the byte limit alone: then one more packet is read, so a PINGRESP still arrives while the
    /// database is down and nothing is released (the broker, bound by the Receive Maximum, sends no more messages).
    /// </param>
    public ReceiveWindow(int limit, long byteLimit = long.MaxValue, TimeSpan? byteWait = null, TimeProvider? time = null)
    {
        _limit = Math.Max(1, limit);
        _byteLimit = Math.Max(1, byteLimit);
        _byteWait = byteWait ?? TimeSpan.FromSeconds(5);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>PUBLISH packets read from the current connection and not yet released.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Payload bytes of those packets.</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    public int Limit => _limit;

    /// <summary>A PUBLISH packet with <paramref name="bytes"/> of payload was read.</summary>
    public void Received(long bytes = 0)
    {
        Interlocked.Increment(ref _held);
        Interlocked.Add(ref _heldBytes, bytes);
    }

    /// <summary>Messages were acknowledged (or dropped): the reader may continue below the limits.</summary>
    public void Released(int messages, long bytes = 0)
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _held = Math.Max(0, _held - messages);
            _heldBytes = messages == int.MaxValue ? 0 : Math.Max(0, _heldBytes - bytes);
            if (IsOpen() && _opened is not null)
            {
                wake = _opened;
                _opened = null;
            }
        }

        wake?.TrySetResult();
    }

    /// <summary>A new connection: nothing is held on it yet.</summary>
    public void Reset() => Released(int.MaxValue);

    /// <summary>Completes when no more than the limit are held (and, for at most the byte wait, their bytes are under the byte limit).</summary>
    public Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        bool bytesOnly;
        Task opened;
        lock (_gate)
        {
            if (IsOpen())
            {
                return Task.CompletedTask;
            }

            bytesOnly = _held <= _limit;
            _opened ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            opened = _opened.Task;
        }

        return bytesOnly ? WaitBoundedAsync(opened, cancellationToken) : opened.WaitAsync(cancellationToken);
    }

    private async Task WaitBoundedAsync(Task opened, CancellationToken cancellationToken)
    {
        try
        {
            await opened.WaitAsync(_byteWait, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Read one packet anyway (see the constructor).
        }
    }

    private bool IsOpen() => _held <= _limit && _heldBytes <= _byteLimit;

    /// <summary>
    /// MQTTnet's TCP adapter with a reader that waits for the window before reading the next packet; over TCP its
    /// channel reads the socket in blocks of <paramref name="readBufferBytes"/> (<see cref="BufferedMqttChannel"/>).
    /// </summary>
    /// <param name="created">Told of every new TCP channel (e.g. to hold its writes while acknowledging a batch).</param>
    public IMqttClientAdapterFactory AdapterFactory(int readBufferBytes = DefaultReadBufferBytes, Action<BufferedMqttChannel>? created = null) =>
        new WindowedAdapterFactory(this, readBufferBytes, created);

    /// <summary>Bytes read from the socket per system call at most (several telemetry messages).</summary>
    public const int DefaultReadBufferBytes = 64 * 1024;

    private sealed class WindowedAdapterFactory(ReceiveWindow window, int readBufferBytes, Action<BufferedMqttChannel>? created) : IMqttClientAdapterFactory
    {
        private readonly MqttClientAdapterFactory _inner = new();

        public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
        {
            window.Reset();
            if (options.ChannelOptions is not MqttClientTcpOptions)
            {
                return new WindowedAdapter(_inner.CreateClientAdapter(options, packetInspector, logger), window);
            }

            // As MqttClientAdapterFactory builds it, with the TCP channel wrapped in a read buffer.
            var channel = new BufferedMqttChannel(new MqttTcpChannel(options), readBufferBytes);
            created?.Invoke(channel);
            var formatter = new MqttPacketFormatterAdapter(options.ProtocolVersion, new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
            var adapter = new MqttChannelAdapter(channel, formatter, logger)
            {
                AllowPacketFragmentation = options.AllowPacketFragmentation,
                PacketInspector = packetInspector,
            };

            // Received packets are read by PublishPacketReader, not by the adapter. MQTTnet passes a packet inspector on
            // every connect (it raises InspectPacketAsync only if someone subscribed, which the hub does not), so the
            // inspector cannot tell whether inspection is wanted; an earlier "inspector is null" check kept
            // PublishPacketReader out of every real connection. Sent packets still go through the adapter.
            return new WindowedAdapter(adapter, window, new PublishPacketReader(channel, formatter));
        }
    }

    private sealed class WindowedAdapter(IMqttChannelAdapter inner, ReceiveWindow window, PublishPacketReader? reader = null) : IMqttChannelAdapter
    {
        public long BytesReceived => inner.BytesReceived;

        public long BytesSent => inner.BytesSent;

        public System.Security.Cryptography.X509Certificates.X509Certificate2 ClientCertificate => inner.ClientCertificate;

        public System.Net.EndPoint RemoteEndPoint => inner.RemoteEndPoint;

        public System.Net.EndPoint LocalEndPoint => inner.LocalEndPoint;

        public bool IsSecureConnection => inner.IsSecureConnection;

        public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

        public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

        public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

        public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
        {
            await window.WaitOpenAsync(cancellationToken);
            var packet = reader is not null && inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.Unknown
                ? await reader.ReceivePacketAsync(cancellationToken)
                : await inner.ReceivePacketAsync(cancellationToken);
            if (packet is MqttPublishPacket publish)
            {
                window.Received(publish.Payload.Length);
            }

            return packet!;
        }

        public void ResetStatistics() => inner.ResetStatistics();

        public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) => inner.SendPacketAsync(packet, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
