using System.Runtime.CompilerServices;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Modbus;

/// <summary>
/// Async Modbus master over one bus (an RS-485 line or one TCP connection). One transaction is in flight at a time:
/// callers queue on a gate, and the bus rests for the turnaround delay (at least the medium's t3.5) between
/// transactions. Every call has a timeout. Errors are typed <see cref="ModbusException"/>s classified transient or
/// permanent; there are no retries here (they belong to the caller's resilience pipeline).
/// </summary>
public sealed class ModbusClient : IAsyncDisposable
{
    private readonly IModbusTransport _transport;
    private readonly IModbusFramer _framer;
    private readonly TimeProvider _timeProvider;
    private readonly BusLock _gate = new();
    private readonly byte[] _tx = new byte[ModbusLimits.MaxTcpAduLength];
    private readonly long _restTicks;
    private readonly long[] _unitRest = new long[256];
    private CancellationTokenSource _timeout;
    private long _busFreeAt;
    private bool _drainBeforeNext;
    private bool _disposed;

    public ModbusClient(IModbusTransport transport, IModbusFramer framer, ModbusClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(framer);
        Options = options ?? new ModbusClientOptions();
        Options.Validate();
        _transport = transport;
        _framer = framer;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        var rest = Options.TurnaroundDelay > transport.InterFrameSilence ? Options.TurnaroundDelay : transport.InterFrameSilence;
        _restTicks = (long)(rest.TotalSeconds * _timeProvider.TimestampFrequency);
    }

    public ModbusClientOptions Options { get; }

    /// <summary>The transport's endpoint, e.g. <c>tcp://10.0.0.5:502</c>.</summary>
    public string Endpoint => _transport.Endpoint;

    /// <summary>
    /// Makes the bus rest at least <paramref name="turnaround"/> after every transaction with <paramref name="unit"/>
    /// (a slow slave's quirk), on top of the bus-wide turnaround.
    /// </summary>
    public void SetUnitTurnaround(byte unit, TimeSpan turnaround)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(turnaround, TimeSpan.Zero);
        _unitRest[unit] = (long)(turnaround.TotalSeconds * _timeProvider.TimestampFrequency);
    }

    /// <summary>A Modbus TCP client for <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static ModbusClient CreateTcp(string host, int port, ModbusClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new ModbusClientOptions();
        return new ModbusClient(new TcpTransport(host, port, options.ConnectTimeout, timeProvider), new TcpFramer(), options, timeProvider);
    }

    /// <summary>A Modbus RTU client on a serial line.</summary>
    public static ModbusClient CreateRtu(SerialLineSettings line, ModbusClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new ModbusClientOptions();
        return new ModbusClient(new SerialTransport(line), new RtuFramer(options.MaxResyncBytes), options, timeProvider);
    }

    /// <summary>FC 01: reads <c>destination.Length</c> coils (1..2000).</summary>
    public ValueTask ReadCoilsAsync(byte unit, ushort start, Memory<bool> destination, CancellationToken cancellationToken = default) =>
        ReadBitsAsync(unit, ModbusFunction.ReadCoils, start, destination, cancellationToken);

    /// <summary>FC 02: reads <c>destination.Length</c> discrete inputs (1..2000).</summary>
    public ValueTask ReadDiscreteInputsAsync(byte unit, ushort start, Memory<bool> destination, CancellationToken cancellationToken = default) =>
        ReadBitsAsync(unit, ModbusFunction.ReadDiscreteInputs, start, destination, cancellationToken);

    /// <summary>FC 03: reads <c>destination.Length</c> holding registers (1..125).</summary>
    public ValueTask ReadHoldingRegistersAsync(byte unit, ushort start, Memory<ushort> destination, CancellationToken cancellationToken = default) =>
        ReadRegistersAsync(unit, ModbusFunction.ReadHoldingRegisters, start, destination, cancellationToken);

    /// <summary>FC 04: reads <c>destination.Length</c> input registers (1..125).</summary>
    public ValueTask ReadInputRegistersAsync(byte unit, ushort start, Memory<ushort> destination, CancellationToken cancellationToken = default) =>
        ReadRegistersAsync(unit, ModbusFunction.ReadInputRegisters, start, destination, cancellationToken);

    /// <summary>Reads registers or bits from <paramref name="table"/> (registers: one value per item; bits: 0/1).</summary>
    public ValueTask ReadAsync(byte unit, ModbusTable table, ushort start, Memory<ushort> destination, CancellationToken cancellationToken = default)
    {
        var function = table.ReadFunction();
        ModbusRequestPdu.CheckQuantity(start, destination.Length, table.MaxReadCount(), function);
        return RunAsync(
            unit,
            (function, start, destination),
            static (pdu, s) => ModbusRequestPdu.WriteRead(pdu, s.function, s.start, s.destination.Length),
            static (response, s) =>
            {
                if (s.function is ModbusFunction.ReadCoils or ModbusFunction.ReadDiscreteInputs)
                {
                    ModbusResponsePdu.ReadBits(response, s.function, s.destination.Span);
                }
                else
                {
                    ModbusResponsePdu.ReadRegisters(response, s.function, s.destination.Span);
                }
            },
            cancellationToken);
    }

    /// <summary>FC 05. Unit 0 on a serial line is a broadcast: sent without waiting for a reply.</summary>
    public ValueTask WriteSingleCoilAsync(byte unit, ushort address, bool value, CancellationToken cancellationToken = default) =>
        RunAsync(
            unit,
            (address, value),
            static (pdu, s) => ModbusRequestPdu.WriteSingleCoil(pdu, s.address, s.value),
            null,
            cancellationToken);

    /// <summary>FC 06. Unit 0 on a serial line is a broadcast.</summary>
    public ValueTask WriteSingleRegisterAsync(byte unit, ushort address, ushort value, CancellationToken cancellationToken = default) =>
        RunAsync(
            unit,
            (address, value),
            static (pdu, s) => ModbusRequestPdu.WriteSingleRegister(pdu, s.address, s.value),
            null,
            cancellationToken);

    /// <summary>FC 0F: writes 1..1968 coils. Unit 0 on a serial line is a broadcast.</summary>
    public ValueTask WriteMultipleCoilsAsync(byte unit, ushort start, ReadOnlyMemory<bool> values, CancellationToken cancellationToken = default)
    {
        ModbusRequestPdu.CheckQuantity(start, values.Length, ModbusLimits.MaxWriteBits, ModbusFunction.WriteMultipleCoils);
        return RunAsync(
            unit,
            (start, values),
            static (pdu, s) => ModbusRequestPdu.WriteMultipleCoils(pdu, s.start, s.values.Span),
            null,
            cancellationToken);
    }

    /// <summary>FC 10: writes 1..123 registers. Unit 0 on a serial line is a broadcast.</summary>
    public ValueTask WriteMultipleRegistersAsync(byte unit, ushort start, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken = default)
    {
        ModbusRequestPdu.CheckQuantity(start, values.Length, ModbusLimits.MaxWriteRegisters, ModbusFunction.WriteMultipleRegisters);
        return RunAsync(
            unit,
            (start, values),
            static (pdu, s) => ModbusRequestPdu.WriteMultipleRegisters(pdu, s.start, s.values.Span),
            null,
            cancellationToken);
    }

    /// <summary>FC 17: writes <paramref name="values"/> at <paramref name="writeStart"/>, then reads (the device writes first).</summary>
    public ValueTask ReadWriteMultipleRegistersAsync(byte unit, ushort readStart, Memory<ushort> destination, ushort writeStart, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken = default)
    {
        ModbusRequestPdu.CheckQuantity(readStart, destination.Length, ModbusLimits.MaxReadWriteReadRegisters, ModbusFunction.ReadWriteMultipleRegisters);
        ModbusRequestPdu.CheckQuantity(writeStart, values.Length, ModbusLimits.MaxReadWriteWriteRegisters, ModbusFunction.ReadWriteMultipleRegisters);
        return RunAsync(
            unit,
            (readStart, destination, writeStart, values),
            static (pdu, s) => ModbusRequestPdu.WriteReadWriteMultiple(pdu, s.readStart, s.destination.Length, s.writeStart, s.values.Span),
            static (response, s) => ModbusResponsePdu.ReadRegisters(response, ModbusFunction.ReadWriteMultipleRegisters, s.destination.Span),
            cancellationToken);
    }

    /// <summary>FC 2B/0E: one Read Device Identification exchange (the caller loops on <c>MoreFollows</c>).</summary>
    public async ValueTask<ModbusDeviceIdentification> ReadDeviceIdentificationAsync(byte unit, byte readCode = 1, byte objectId = 0, CancellationToken cancellationToken = default)
    {
        var box = new StrongBox<ModbusDeviceIdentification?>();
        await RunAsync(
            unit,
            (readCode, objectId, box),
            static (pdu, s) => ModbusRequestPdu.WriteReadDeviceIdentification(pdu, s.readCode, s.objectId),
            static (response, s) => s.box.Value = ModbusDeviceIdentification.Parse(response),
            cancellationToken).ConfigureAwait(false);
        return box.Value!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _transport.DisposeAsync().ConfigureAwait(false);
        _timeout.Dispose();
    }

    private ValueTask ReadBitsAsync(byte unit, ModbusFunction function, ushort start, Memory<bool> destination, CancellationToken cancellationToken)
    {
        ModbusRequestPdu.CheckQuantity(start, destination.Length, ModbusLimits.MaxReadBits, function);
        return RunAsync(
            unit,
            (function, start, destination),
            static (pdu, s) => ModbusRequestPdu.WriteRead(pdu, s.function, s.start, s.destination.Length),
            static (response, s) => ModbusResponsePdu.ReadBits(response, s.function, s.destination.Span),
            cancellationToken);
    }

    private ValueTask ReadRegistersAsync(byte unit, ModbusFunction function, ushort start, Memory<ushort> destination, CancellationToken cancellationToken)
    {
        ModbusRequestPdu.CheckQuantity(start, destination.Length, ModbusLimits.MaxReadRegisters, function);
        return RunAsync(
            unit,
            (function, start, destination),
            static (pdu, s) => ModbusRequestPdu.WriteRead(pdu, s.function, s.start, s.destination.Length),
            static (response, s) => ModbusResponsePdu.ReadRegisters(response, s.function, s.destination.Span),
            cancellationToken);
    }

    /// <summary>
    /// One transaction under the bus gate: build the PDU, wait out the turnaround, send, read the matching response
    /// and hand it to <paramref name="parse"/> (null = a write whose echo is checked here).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RunAsync<TState>(byte unit, TState state, PduBuilder<TState> build, ResponseParser<TState>? parse, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int pduLength = build(_tx.AsSpan(_framer.PduOffset), state);
            var request = _tx.AsMemory(_framer.PduOffset, pduLength);
            var response = await ExchangeAsync(unit, pduLength, cancellationToken).ConfigureAwait(false);
            if (response.IsEmpty)
            {
                return;
            }

            if (parse is null)
            {
                ModbusResponsePdu.CheckWriteEcho(response.Span, request.Span);
            }
            else
            {
                parse(response.Span, state);
            }
        }
        catch (ModbusException ex)
        {
            ex.SetContext(unit, _transport.Endpoint);
            throw;
        }
        finally
        {
            _busFreeAt = _timeProvider.GetTimestamp() + Math.Max(_restTicks, _unitRest[unit]);
            _gate.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ExchangeAsync(byte unit, int pduLength, CancellationToken cancellationToken)
    {
        await RestAsync(cancellationToken).ConfigureAwait(false);
        var timeout = _timeout;
        timeout.CancelAfter(Options.RequestTimeout);
        var registration = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        try
        {
            if (!_transport.IsOpen)
            {
                await _transport.OpenAsync(timeout.Token).ConfigureAwait(false);
            }

            if (_drainBeforeNext)
            {
                // The last transaction timed out or failed its CRC: a late reply may have arrived since, and an RTU
                // reply carries no transaction id to tell it from the answer to this request. Drop it.
                _drainBeforeNext = false;
                _transport.DiscardInput();
                _framer.Reset();
            }

            int aduLength = _framer.Seal(_tx, unit, pduLength);
            if (unit == ModbusLimits.BroadcastUnit && _framer.SupportsBroadcast)
            {
                await _transport.WriteAsync(_tx.AsMemory(0, aduLength), timeout.Token).ConfigureAwait(false);
                return ReadOnlyMemory<byte>.Empty;
            }

            // Post the read before the write: the response can complete it without another trip through the
            // transport's I/O loop (SerialStream on Unix services reads and writes from one polling thread).
            var request = _tx.AsMemory(_framer.PduOffset, pduLength);
            var response = _framer.ReadResponseAsync(_transport, unit, request, timeout.Token);
            try
            {
                await _transport.WriteAsync(_tx.AsMemory(0, aduLength), timeout.Token).ConfigureAwait(false);
            }
            catch
            {
                await timeout.CancelAsync().ConfigureAwait(false);
                try
                {
                    await response.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ModbusException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    // The write failed; the pending read's outcome no longer matters.
                }

                throw;
            }

            return await response.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _transport.DiscardInput();
            _framer.Reset();
            _drainBeforeNext = true;
            throw new ModbusTimeoutException($"No response to function {_tx[_framer.PduOffset]:X2} within {Options.RequestTimeout.TotalMilliseconds:0} ms.");
        }
        catch (ModbusCrcException)
        {
            _transport.DiscardInput();
            _drainBeforeNext = true;
            throw;
        }
        catch (ModbusProtocolException)
        {
            _framer.Reset();
            if (_framer.ResetConnectionOnProtocolError)
            {
                _transport.Close();
            }
            else
            {
                _transport.DiscardInput();
            }

            throw;
        }
        catch (ModbusConnectionException)
        {
            _framer.Reset();
            _transport.Close();
            throw;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            _framer.Reset();
            _transport.Close();
            throw new ModbusConnectionException($"I/O error on {_transport.Endpoint}: {ex.Message}", ex);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            if (!timeout.TryReset())
            {
                timeout.Dispose();
                _timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
            }
        }
    }

    private async ValueTask RestAsync(CancellationToken cancellationToken)
    {
        long remaining = _busFreeAt - _timeProvider.GetTimestamp();
        if (remaining > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)remaining / _timeProvider.TimestampFrequency), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private delegate int PduBuilder<TState>(Span<byte> pdu, TState state);

    private delegate void ResponseParser<TState>(ReadOnlySpan<byte> response, TState state);
}
