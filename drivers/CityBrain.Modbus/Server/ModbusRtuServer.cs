namespace CityBrain.Modbus;

/// <summary>
/// A Modbus RTU server (slave) on a serial line or pty. Requests are delimited by their expected length and CRC;
/// bytes that cannot start a request are skipped, and an incomplete frame followed by silence is dropped.
/// Unit 0 (broadcast) writes are executed without a reply; frames for unknown units are ignored.
/// </summary>
public sealed class ModbusRtuServer : IAsyncDisposable
{
    private static readonly TimeSpan MinimumPartialFrameSilence = TimeSpan.FromMilliseconds(50);
    private readonly IModbusTransport _transport;
    private readonly ModbusServerOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _partialFrameSilence;
    private Task _loop = Task.CompletedTask;

    public ModbusRtuServer(IModbusTransport transport, ModbusServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        _transport = transport;
        _options = options;
        _partialFrameSilence = transport.InterFrameSilence > MinimumPartialFrameSilence ? transport.InterFrameSilence : MinimumPartialFrameSilence;
    }

    public string Endpoint => _transport.Endpoint;

    public ModbusServerCounters Counters { get; } = new();

    /// <summary>The loop's task; faults if the transport fails.</summary>
    public Task Completion => _loop;

    /// <summary>Opens the transport and starts serving.</summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        await _transport.OpenAsync(cancellationToken).ConfigureAwait(false);
        _loop = ServeAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ModbusException or ObjectDisposedException)
        {
            // Stopping: the loop's last error no longer matters.
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ServeAsync(CancellationToken stopping)
    {
        await Task.Yield();
        byte[] rx = new byte[ModbusLimits.MaxRtuAduLength * 2];
        byte[] tx = new byte[ModbusLimits.MaxRtuAduLength + 16];
        int count = 0;
        var silence = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                int consumed = await TryServeBufferedAsync(rx, count, tx, stopping).ConfigureAwait(false);
                if (consumed > 0)
                {
                    Buffer.BlockCopy(rx, consumed, rx, 0, count - consumed);
                    count -= consumed;
                    continue;
                }

                if (count == rx.Length)
                {
                    Counters.Rejected();
                    count = 0;
                }

                int read;
                if (count == 0)
                {
                    read = await _transport.ReadAsync(rx.AsMemory(count), stopping).ConfigureAwait(false);
                }
                else
                {
                    if (!silence.TryReset())
                    {
                        silence.Dispose();
                        silence = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    }

                    silence.CancelAfter(_partialFrameSilence);
                    try
                    {
                        read = await _transport.ReadAsync(rx.AsMemory(count), silence.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                    {
                        Counters.Rejected();
                        count = 0;
                        continue;
                    }
                }

                if (read == 0)
                {
                    break;
                }

                count += read;
            }
        }
        finally
        {
            silence.Dispose();
        }
    }

    /// <summary>Serves the first complete request in the buffer; returns how many bytes it consumed (0 = need more).</summary>
    private async ValueTask<int> TryServeBufferedAsync(byte[] rx, int count, byte[] tx, CancellationToken stopping)
    {
        int start = 0;
        while (count - start >= 2)
        {
            var frame = rx.AsSpan(start, count - start);
            int length = RtuRequestLength.Measure(frame);
            if (length == 0)
            {
                return start;
            }

            if (length < 0 || frame[0] > ModbusLimits.MaxRtuUnit)
            {
                start++;
                continue;
            }

            if (frame.Length < length)
            {
                return start;
            }

            if (!Crc16.Check(frame[..length]))
            {
                Counters.Rejected();
                start++;
                continue;
            }

            await ReplyAsync(rx.AsMemory(start, length), tx, stopping).ConfigureAwait(false);
            return start + length;
        }

        return start;
    }

    private async ValueTask ReplyAsync(ReadOnlyMemory<byte> frame, byte[] tx, CancellationToken stopping)
    {
        byte unit = frame.Span[0];
        const int Offset = 8;
        var (length, fault) = await ModbusServerCore.HandleAsync(
            _options, Counters, unit, frame[1..^2], tx.AsMemory(Offset + 1), false, stopping).ConfigureAwait(false);
        if (unit == ModbusLimits.BroadcastUnit || length == 0 || fault == ModbusFaultKind.Drop)
        {
            return;
        }

        tx[Offset] = unit;
        var adu = tx.AsMemory(Offset, length + 3);
        Crc16.Append(adu.Span);
        int garbage = 0;
        if (fault == ModbusFaultKind.Corrupt)
        {
            tx[Offset + length + 1] ^= 0xA5;
        }
        else if (fault == ModbusFaultKind.Garbage)
        {
            garbage = 1 + Random.Shared.Next(Offset);
            Random.Shared.NextBytes(tx.AsSpan(Offset - garbage, garbage));
        }

        await _transport.WriteAsync(tx.AsMemory(Offset - garbage, garbage + length + 3), stopping).ConfigureAwait(false);
    }
}
