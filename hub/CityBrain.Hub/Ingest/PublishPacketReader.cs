using System.Net.Sockets;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Reads MQTT packets from a <see cref="BufferedMqttChannel"/> as MQTTnet's channel adapter does (fixed header, body
/// of the remaining length, decoded by MQTTnet's own formatter), with one difference: a PUBLISH payload is not copied.
/// MQTTnet's decoder copies every payload out of the packet body into a second array (12 KB per 100-reading
/// message, plus the clearing of that memory); here the decoder is given the body up to the end of the properties
/// (topic, packet identifier and every property are decoded and checked by MQTTnet as before) and the payload is the
/// rest of the body, referenced where it is. PUBLISH bodies come from <see cref="PayloadBuffers"/>. Only one packet is
/// read at a time (MQTTnet's receive loop).
/// </summary>
public sealed class PublishPacketReader(BufferedMqttChannel channel, MqttPacketFormatterAdapter formatter)
{
    private readonly byte[] _header = new byte[2];
    private readonly byte[] _lengthByte = new byte[1];

    /// <summary>The next packet; null when the connection closed or the read was cancelled (as MQTTnet's adapter returns).</summary>
    public async Task<MqttPacket?> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            if (!await ReadHeaderAsync(cancellationToken))
            {
                return null;
            }

            byte flags = _header[0];
            int length = _header[1] & 0x7F;
            int lengthBytes = 1;
            int multiplier = 128;
            byte encoded = _header[1];
            while ((encoded & 0x80) != 0)
            {
                if (lengthBytes == 4)
                {
                    throw new MqttProtocolViolationException("Remaining length is invalid.");
                }

                if (!await ReadExactlyAsync(_lengthByte, 1, cancellationToken))
                {
                    return null;
                }

                encoded = _lengthByte[0];
                length += (encoded & 0x7F) * multiplier;
                multiplier *= 128;
                lengthBytes++;
            }

            if (length == 0)
            {
                return Decode(new ReceivedMqttPacket(flags, new ArraySegment<byte>([], 0, 0), 2));
            }

            // A PUBLISH body comes from the pool (the message handler returns it once parsed), and may be longer than
            // the packet: every use below is bounded by length.
            bool publish = (flags >> 4) == (int)MqttControlPacketType.Publish;
            byte[] body = publish ? PayloadBuffers.Rent(length) : new byte[length];
            if (!await ReadExactlyAsync(body, length, cancellationToken) || cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            int total = 1 + lengthBytes + length;
            if (publish
                && PayloadOffset(flags, body.AsSpan(0, length), formatter.ProtocolVersion) is int payloadAt
                && payloadAt < length)
            {
                var packet = Decode(new ReceivedMqttPacket(flags, new ArraySegment<byte>(body, 0, payloadAt), total)) as MqttPublishPacket
                    ?? throw new MqttProtocolViolationException("Received malformed packet.");
                packet.PayloadSegment = new ArraySegment<byte>(body, payloadAt, length - payloadAt);
                return packet;
            }

            return Decode(new ReceivedMqttPacket(flags, new ArraySegment<byte>(body, 0, length), total));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return null;
        }
        catch (Exception ex) when (ex is not (MqttCommunicationException or MqttProtocolViolationException or MqttCommunicationTimedOutException))
        {
            var socket = ex as SocketException ?? ex.InnerException as SocketException;
            if (socket?.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }

            throw new MqttCommunicationException(socket ?? ex);
        }
    }

    /// <summary>
    /// Where the payload of a PUBLISH body starts: after the topic, the packet identifier (QoS 1 and 2) and, in MQTT 5,
    /// the properties; null when the body is too short for that (the decoder then reports the packet as MQTTnet does).
    /// </summary>
    public static int? PayloadOffset(byte flags, ReadOnlySpan<byte> body, MqttProtocolVersion version)
    {
        if (body.Length < 2)
        {
            return null;
        }

        int p = 2 + ((body[0] << 8) | body[1]);
        if (((flags >> 1) & 3) > 0)
        {
            p += 2;
        }

        if (version == MqttProtocolVersion.V500)
        {
            int propertiesLength = 0;
            int multiplier = 1;
            for (int i = 0; ; i++)
            {
                if (i == 4 || p >= body.Length)
                {
                    return null;
                }

                byte b = body[p++];
                propertiesLength += (b & 0x7F) * multiplier;
                multiplier *= 128;
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            p += propertiesLength;
        }

        return p <= body.Length ? p : null;
    }

    private MqttPacket Decode(ReceivedMqttPacket packet) =>
        formatter.Decode(packet) ?? throw new MqttProtocolViolationException("Received malformed packet.");

    private async Task<bool> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadExactlyAsync(_header, 2, cancellationToken);
        }
        catch (SocketException)
        {
            return false; // closed while waiting for the next packet
        }
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, int count, CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < count)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            int n = await channel.ReadAsync(buffer, read, count - read, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
