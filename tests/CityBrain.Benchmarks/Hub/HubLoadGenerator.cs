using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CityBrain.Sensing.Contract;

namespace CityBrain.Benchmarks.Hub;

/// <summary>
/// Many simulated nodes spread over several MQTT 5 connections, each keeping a window of QoS 1 publishes in flight.
/// Every message carries the current time as the readings' source timestamp (for end-to-end latency). Payloads are
/// rendered from a per-node template encoded once by <see cref="TelemetryCodec"/> (sequence numbers and timestamps
/// patched in place).
/// <para>
/// The generator stands in for hundreds of nodes that in a city run on their own machines, yet the benchmark's
/// targets count its CPU on the same two cores as the broker, the hub and the database. So it speaks MQTT 5 on a raw
/// socket (CONNECT, PUBLISH QoS 1, PUBACK — the subset a publishing node needs) and writes every message a free window
/// slot allows in one send, as purpose-built load tools (emqtt-bench, mqtt-stresser) do; MQTTnet's client costs about
/// 30 us of CPU per publish here (task, packet object, a send per message), which the hub would otherwise pay for.
/// A PUBACK with a reason code of 0x80 or more counts as failed; "no matching subscribers" counts as published.
/// </para>
/// </summary>
public sealed class HubLoadGenerator : IAsyncDisposable
{
    private const int Window = 64;
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(10);

    private readonly Connection[] _connections;
    private readonly int _nodes;
    private readonly int _readings;
    private readonly string[] _sensors;
    private readonly long[] _seq;
    private readonly PayloadTemplate?[] _templates;
    private readonly Dictionary<string, byte[][]> _topics = new(StringComparer.Ordinal);
    private long _published;
    private long _failed;

    private readonly bool _catalogued;

    private HubLoadGenerator(Connection[] connections, int nodes, int readings, bool catalogued)
    {
        _catalogued = catalogued;
        _connections = connections;
        _nodes = nodes;
        _readings = readings;
        _sensors = Enumerable.Range(0, readings).Select(i => $"s{i:D3}").ToArray();
        _seq = new long[nodes];
        _templates = new PayloadTemplate?[nodes];
        foreach (var c in connections)
        {
            c.Owner = this;
        }
    }

    /// <summary>Messages the broker acknowledged.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Publishes the broker refused or that were lost with their connection (not counted in <see cref="Published"/>).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Starts counting <see cref="Published"/> and <see cref="Failed"/> afresh (sequence numbers go on).</summary>
    public void ResetCounts()
    {
        Interlocked.Exchange(ref _published, 0);
        Interlocked.Exchange(ref _failed, 0);
    }

    /// <param name="catalogued">Readings of catalogued quantities (<see cref="PayloadTemplate.CreateCatalogued"/>) instead of the scenario's one bench quantity.</param>
    public static async Task<HubLoadGenerator> ConnectAsync(int port, int clients, int nodes, int readings, string id, bool catalogued = false)
    {
        var list = new Connection[clients];
        try
        {
            for (int i = 0; i < clients; i++)
            {
                list[i] = await Connection.OpenAsync(port, $"bench-{id}-{i}");
            }
        }
        catch
        {
            foreach (var c in list)
            {
                c?.Dispose();
            }

            throw;
        }

        return new HubLoadGenerator(list, nodes, readings, catalogued);
    }

    /// <summary>
    /// Publishes for <paramref name="duration"/>; <paramref name="messagesPerSecond"/> = 0 means as fast as the broker
    /// takes them. Returns once every message sent is acknowledged (or its connection is gone).
    /// </summary>
    public async Task RunAsync(TimeSpan duration, double messagesPerSecond, string quantity, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var clock = Stopwatch.StartNew();
        var schedule = new Schedule(messagesPerSecond, clock);
        byte[][] topics = TopicsFor(quantity);
        await Task.WhenAll(_connections.Select(c => Task.Run(() => c.PublishUntilAsync(schedule, topics, quantity, stop.Token), CancellationToken.None)));
        await Task.WhenAll(_connections.Select(c => c.WaitAcknowledgedAsync(TimeSpan.FromSeconds(60), cancellationToken)));
    }

    private byte[][] TopicsFor(string quantity)
    {
        lock (_topics)
        {
            if (!_topics.TryGetValue(quantity, out var topics))
            {
                topics = Enumerable.Range(0, _nodes)
                    .Select(node => Encoding.UTF8.GetBytes($"{Topics.Prefix}d{node % 8}/g{node % 32}/n{node:D4}/{Topics.Telemetry}"))
                    .ToArray();
                _topics[quantity] = topics;
            }

            return topics;
        }
    }

    private PayloadTemplate Template(int node, string quantity) =>
        _templates[node] ??= _catalogued ? PayloadTemplate.CreateCatalogued($"n{node:D4}", _sensors) : PayloadTemplate.Create($"n{node:D4}", quantity, _sensors);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _connections)
        {
            await c.CloseAsync();
        }
    }

    /// <summary>Message numbers shared by all connections; paced mode releases message n at n / rate seconds.</summary>
    private sealed class Schedule(double messagesPerSecond, Stopwatch clock)
    {
        private long _issued;

        public bool Paced => messagesPerSecond > 0;

        public long Next() => Interlocked.Increment(ref _issued);

        /// <summary>Takes the next message number if it is due now (always, in open loop).</summary>
        public bool TryNextDue(out long n)
        {
            while (true)
            {
                long issued = Volatile.Read(ref _issued);
                n = issued + 1;
                if (Paced && DueIn(n) > TimeSpan.Zero)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _issued, n, issued) == issued)
                {
                    return true;
                }
            }
        }

        public TimeSpan DueIn(long n) => TimeSpan.FromSeconds(n / messagesPerSecond) - clock.Elapsed;
    }

    /// <summary>One MQTT 5 connection: a writer (the caller of <see cref="PublishUntilAsync"/>) and a PUBACK reader.</summary>
    private sealed class Connection : IDisposable
    {
        private readonly Socket _socket;
        private readonly SemaphoreSlim _slots = new(Window, Window);
        private readonly CancellationTokenSource _closed = new();
        private Task _reader = Task.CompletedTask;
        private int _inFlight;
        private volatile bool _closing;
        private ushort _packetId;
        private byte[] _buffer = [];

        private Connection(Socket socket) => _socket = socket;

        public HubLoadGenerator Owner { get; set; } = null!;

        public static async Task<Connection> OpenAsync(int port, string clientId)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var connection = new Connection(socket);
            try
            {
                using var timeout = new CancellationTokenSource(IoTimeout);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
                await socket.SendAsync(ConnectPacket(clientId), SocketFlags.None, timeout.Token);
                await connection.ReadConnAckAsync(timeout.Token);
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            connection._reader = Task.Run(connection.ReadAcknowledgementsAsync);
            return connection;
        }

        public async Task PublishUntilAsync(Schedule schedule, byte[][] topics, string quantity, CancellationToken stop)
        {
            var owner = Owner;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _closed.Token);
            stop = linked.Token;
            while (!stop.IsCancellationRequested)
            {
                long first = schedule.Next();
                if (schedule.Paced)
                {
                    var due = schedule.DueIn(first);
                    if (due > TimeSpan.Zero && !await DelayAsync(due, stop))
                    {
                        break;
                    }
                }

                try
                {
                    await _slots.WaitAsync(stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                // Every message that is due (open loop: all of them) and has a free slot goes out now, in one send.
                int count = 1;
                int node = (int)(first % owner._nodes);
                int length = AppendPublish(0, topics[node], owner.Template(node, quantity), owner, node);
                while (count < Window && _slots.Wait(0, CancellationToken.None))
                {
                    if (!schedule.TryNextDue(out long n))
                    {
                        _slots.Release();
                        break;
                    }

                    count++;
                    node = (int)(n % owner._nodes);
                    length = AppendPublish(length, topics[node], owner.Template(node, quantity), owner, node);
                }

                Interlocked.Add(ref _inFlight, count);
                try
                {
                    await _socket.SendAsync(_buffer.AsMemory(0, length), SocketFlags.None, _closed.Token);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    Lost($"send failed: {ex.Message}");
                    break;
                }
            }
        }

        /// <summary>Waits until every message sent is acknowledged, the connection is lost, or the time is up.</summary>
        public async Task WaitAcknowledgedAsync(TimeSpan limit, CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.StartNew();
            while (Volatile.Read(ref _inFlight) > 0 && !_closed.IsCancellationRequested && deadline.Elapsed < limit)
            {
                await Task.Delay(5, cancellationToken);
            }
        }

        private int AppendPublish(int at, byte[] topic, PayloadTemplate template, HubLoadGenerator owner, int node)
        {
            int remaining = 2 + topic.Length + 2 + 1 + template.Length;
            int needed = at + 5 + remaining;
            if (_buffer.Length < needed)
            {
                Array.Resize(ref _buffer, Math.Max(needed, Window * (needed - at)));
            }

            var span = _buffer.AsSpan();
            span[at++] = 0x32; // PUBLISH, QoS 1
            at += WriteVariableInt(span[at..], remaining);
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)topic.Length);
            at += 2;
            topic.CopyTo(span[at..]);
            at += topic.Length;
            _packetId = _packetId == ushort.MaxValue ? (ushort)1 : (ushort)(_packetId + 1);
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], _packetId);
            at += 2;
            span[at++] = 0; // no properties
            long firstSeq = Interlocked.Add(ref owner._seq[node], owner._readings) - owner._readings;
            template.RenderInto(span[at..], firstSeq, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            return at + template.Length;
        }

        private async Task ReadAcknowledgementsAsync()
        {
            var buffer = new byte[64 * 1024];
            int filled = 0;
            try
            {
                while (true)
                {
                    int read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _closed.Token);
                    if (read == 0)
                    {
                        Lost("the broker closed the connection");
                        return;
                    }

                    filled += read;
                    int consumed = 0;
                    while (TryParse(buffer.AsSpan(consumed, filled - consumed), out byte type, out var body, out int size))
                    {
                        consumed += size;
                        if (type == 0x40)
                        {
                            // PUBACK: packet id, then a reason code unless it is 0 (success).
                            if (body.Length < 3 || body[2] < 0x80)
                            {
                                Interlocked.Increment(ref Owner._published);
                            }
                            else
                            {
                                Interlocked.Increment(ref Owner._failed);
                            }

                            Interlocked.Decrement(ref _inFlight);
                            _slots.Release();
                        }
                        else if (type == 0xE0)
                        {
                            Lost($"the broker sent DISCONNECT (reason 0x{(body.Length > 0 ? body[0] : 0):x2})");
                            return;
                        }
                    }

                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                Lost($"receive failed: {ex.Message}");
            }
        }

        private async Task ReadConnAckAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[256];
            int filled = 0;
            while (true)
            {
                int read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw new IOException("the broker closed the connection before CONNACK");
                }

                filled += read;
                if (TryParse(buffer.AsSpan(0, filled), out byte type, out var body, out _))
                {
                    if (type != 0x20 || body.Length < 2 || body[1] != 0)
                    {
                        throw new IOException($"CONNACK expected with reason 0, got packet type 0x{type:x2} reason 0x{(body.Length > 1 ? body[1] : 0xff):x2}");
                    }

                    return;
                }
            }
        }

        /// <summary>Counts what was in flight on a lost connection as failed; the writer stops.</summary>
        private void Lost(string reason)
        {
            if (_closed.IsCancellationRequested || _closing)
            {
                return;
            }

            int lost = Interlocked.Exchange(ref _inFlight, 0);
            Interlocked.Add(ref Owner._failed, lost);
            Console.Error.WriteLine($"  load generator: connection lost ({reason}); {lost} unacknowledged publishes counted as failed");
            _closed.Cancel();
        }

        private static bool TryParse(ReadOnlySpan<byte> data, out byte type, out ReadOnlySpan<byte> body, out int size)
        {
            type = 0;
            body = default;
            size = 0;
            if (data.Length < 2)
            {
                return false;
            }

            int length = 0;
            int shift = 0;
            int i = 1;
            while (true)
            {
                if (i >= data.Length || i > 4)
                {
                    return false;
                }

                byte b = data[i++];
                length |= (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            if (data.Length < i + length)
            {
                return false;
            }

            type = (byte)(data[0] & 0xF0);
            body = data.Slice(i, length);
            size = i + length;
            return true;
        }

        private static int WriteVariableInt(Span<byte> destination, int value)
        {
            int i = 0;
            do
            {
                byte b = (byte)(value & 0x7F);
                value >>= 7;
                destination[i++] = value > 0 ? (byte)(b | 0x80) : b;
            }
            while (value > 0);
            return i;
        }

        private static byte[] ConnectPacket(string clientId)
        {
            byte[] id = Encoding.UTF8.GetBytes(clientId);
            // Variable header: "MQTT", version 5, clean start, keep-alive 600 s (no pings needed within a run), no properties.
            byte[] header = [0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 5, 0x02, 600 >> 8, 600 & 0xFF, 0];
            int remaining = header.Length + 2 + id.Length;
            var packet = new byte[1 + 4 + remaining];
            packet[0] = 0x10;
            int at = 1 + WriteVariableInt(packet.AsSpan(1), remaining);
            header.CopyTo(packet, at);
            at += header.Length;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at), (ushort)id.Length);
            id.CopyTo(packet, at + 2);
            return packet[..(at + 2 + id.Length)];
        }

        private static async Task<bool> DelayAsync(TimeSpan due, CancellationToken stop)
        {
            try
            {
                await Task.Delay(due, stop);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public async Task CloseAsync()
        {
            if (!_closed.IsCancellationRequested)
            {
                _closing = true;
                try
                {
                    using var timeout = new CancellationTokenSource(IoTimeout);
                    await _socket.SendAsync(new byte[] { 0xE0, 0 }, SocketFlags.None, timeout.Token); // DISCONNECT, normal
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // Closing anyway.
                }
            }

            _closed.Cancel();
            Dispose();
            await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        public void Dispose()
        {
            _socket.Dispose();
            _slots.Dispose();
        }
    }
}
