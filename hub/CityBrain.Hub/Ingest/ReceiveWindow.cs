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
/// or the keep-alive would drop the connection.
/// </summary>
public sealed class ReceiveWindow
{
    private readonly object _gate = new();
    private readonly int _limit;
    private int _held;
    private TaskCompletionSource? _opened;

    public ReceiveWindow(int limit) => _limit = Math.Max(1, limit);

    /// <summary>PUBLISH packets read from the current connection and not yet released.</summary>
    public int Held => Volatile.Read(ref _held);

    public int Limit => _limit;

    /// <summary>A PUBLISH packet was read.</summary>
    public void Received() => Interlocked.Increment(ref _held);

    /// <summary>Messages were acknowledged (or dropped): the reader may continue below the limit.</summary>
    public void Released(int messages)
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _held = Math.Max(0, _held - messages);
            if (_held <= _limit && _opened is not null)
            {
                wake = _opened;
                _opened = null;
            }
        }

        wake?.TrySetResult();
    }

    /// <summary>A new connection: nothing is held on it yet.</summary>
    public void Reset() => Released(int.MaxValue);

    /// <summary>Completes when no more than the limit are held.</summary>
    public Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_held <= _limit)
            {
                return Task.CompletedTask;
            }

            _opened ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _opened.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>MQTTnet's TCP adapter factory with a reader that waits for the window before reading the next packet.</summary>
    public IMqttClientAdapterFactory AdapterFactory() => new WindowedAdapterFactory(this);

    private sealed class WindowedAdapterFactory(ReceiveWindow window) : IMqttClientAdapterFactory
    {
        private readonly MqttClientAdapterFactory _inner = new();

        public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
        {
            window.Reset();
            return new WindowedAdapter(_inner.CreateClientAdapter(options, packetInspector, logger), window);
        }
    }

    private sealed class WindowedAdapter(IMqttChannelAdapter inner, ReceiveWindow window) : IMqttChannelAdapter
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
            var packet = await inner.ReceivePacketAsync(cancellationToken);
            if (packet is MqttPublishPacket)
            {
                window.Received();
            }

            return packet;
        }

        public void ResetStatistics() => inner.ResetStatistics();

        public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) => inner.SendPacketAsync(packet, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
