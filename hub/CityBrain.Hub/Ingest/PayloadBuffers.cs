using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// A bounded pool for the bodies of received PUBLISH packets (<see cref="PublishPacketReader"/> rents, the message
/// handler returns). A body is needed only until the handler has parsed it (the readings, the dead letter's head and
/// the status or health objects are copies), but MQTTnet keeps the packet until its PUBACK, which the hub sends only
/// after the database accepted it: without the pool every 12 KB body survived a few collections and was promoted
/// with the in-flight window (bench/hub.sh, 100 readings: gen1 and gen2 collections were a third of the hub's CPU).
/// MQTTnet does not read the payload after the handler (the PUBACK is built from the packet identifier).
/// Bodies larger than <see cref="MaxPooledBytes"/> are allocated and left to the GC. At most
/// <see cref="ArraysPerSize"/> arrays per power-of-two size are kept (about 1 MB for 16 KB bodies).
/// </summary>
public static class PayloadBuffers
{
    public const int MaxPooledBytes = 64 * 1024;
    public const int ArraysPerSize = 64;
    private const int MinPooledBytes = 16;

    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(MaxPooledBytes, ArraysPerSize);

    /// <summary>An array of at least <paramref name="length"/> bytes (a power of two up to <see cref="MaxPooledBytes"/>).</summary>
    public static byte[] Rent(int length) => length <= MaxPooledBytes ? Pool.Rent(length) : new byte[length];

    /// <summary>
    /// Returns the array behind <paramref name="payload"/> once nothing reads it any more. Arrays the pool cannot hold
    /// (not a power-of-two size it serves, or a payload that is not one array) are left to the GC; an array of a
    /// poolable size that MQTTnet allocated itself may be taken too, which is as safe, since nothing else refers to it.
    /// </summary>
    public static void Return(ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment
            && MemoryMarshal.TryGetArray(payload.First, out ArraySegment<byte> segment)
            && segment.Array is { Length: >= MinPooledBytes and <= MaxPooledBytes } array
            && BitOperations.IsPow2(array.Length))
        {
            Pool.Return(array);
        }
    }
}
