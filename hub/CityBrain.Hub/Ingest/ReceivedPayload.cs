using System.Buffers;
using System.Runtime.CompilerServices;
using MQTTnet;
using MQTTnet.Packets;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Lets go of a received message's payload once it is parsed. The hub sends a PUBACK only after the database stored
/// the message, and until then MQTTnet's event args (which the acknowledgement needs) reference the PUBLISH packet
/// and the application message, both holding the payload: ~12 KB per 100-reading message, the whole receive window
/// (8 MiB), kept alive long enough to be promoted to gen2 and leave holes there when acknowledged (gcdumps and
/// /metrics at the benchmark's open-loop peak: 20 MB of gen2 fragmentation). The PUBACK needs only the packet
/// identifier. Nothing else of the hub reads the payload after routing (telemetry is parsed into its own objects;
/// a rejected message's head is copied for the dead letter).
/// </summary>
internal static class ReceivedPayload
{
    /// <summary>Drops both references to <paramref name="e"/>'s payload. Returns false if the packet's could not be
    /// reached (an MQTTnet version without the internal <c>PublishPacket</c> property): the payload then lives until the
    /// PUBACK, as before.</summary>
    public static bool Release(MqttApplicationMessageReceivedEventArgs e)
    {
        e.ApplicationMessage.Payload = ReadOnlySequence<byte>.Empty;
        try
        {
            if (PublishPacket(e) is { } packet)
            {
                packet.Payload = ReadOnlySequence<byte>.Empty;
            }

            return true;
        }
        catch (MissingMemberException)
        {
            return false;
        }
    }

    // MQTTnet 5.2: internal MqttPublishPacket PublishPacket { get; } of the event args (read when it builds the PUBACK).
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_PublishPacket")]
    private static extern MqttPublishPacket? PublishPacket(MqttApplicationMessageReceivedEventArgs e);
}
