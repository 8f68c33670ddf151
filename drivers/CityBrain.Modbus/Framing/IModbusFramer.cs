namespace CityBrain.Modbus;

/// <summary>
/// Wraps PDUs into ADUs and extracts the matching response PDU from the byte stream (RTU: address + CRC; TCP: MBAP).
/// A framer holds one transaction's state and buffers; the client runs one transaction at a time.
/// </summary>
public interface IModbusFramer
{
    /// <summary>Where the PDU starts inside the ADU buffer the client builds.</summary>
    int PduOffset { get; }

    /// <summary>True when a unit id of 0 is a broadcast that gets no reply (serial line).</summary>
    bool SupportsBroadcast { get; }

    /// <summary>True when a protocol violation means the stream is out of sync and the connection must be dropped.</summary>
    bool ResetConnectionOnProtocolError { get; }

    /// <summary>Fills in header/trailer around the PDU already written at <see cref="PduOffset"/>; returns the ADU length.</summary>
    int Seal(Span<byte> adu, byte unit, int pduLength);

    /// <summary>
    /// Reads until the response to the request just sent arrives and returns its PDU (valid until the next call).
    /// Throws <see cref="ModbusCrcException"/>, <see cref="ModbusProtocolException"/> or
    /// <see cref="ModbusConnectionException"/>; cancellation is the caller's timeout.
    /// </summary>
    /// <summary>Forgets buffered bytes; called when the connection is dropped or the line is flushed.</summary>
    void Reset();

    ValueTask<ReadOnlyMemory<byte>> ReadResponseAsync(IModbusTransport transport, byte unit, ReadOnlyMemory<byte> requestPdu, CancellationToken cancellationToken);
}
