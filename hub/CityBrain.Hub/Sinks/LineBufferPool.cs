using System.Buffers;
using System.Numerics;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// The line-protocol buffers of the batches in flight: at most <see cref="Capacity"/> buffers are kept (the batches the
/// batcher and the writers can hold at once), each at the size it grew to, so the next batch starts at full size
/// instead of growing 64 KiB → 1 MiB again. <see cref="ArrayPool{T}.Shared"/> kept every size of that growth
/// per core and per bucket: heap dumps under the hub benchmark showed ~36 MB of pooled batch buffers
/// (16 × 1 MiB + ~245 × 64 KiB) for ~9 batches in flight. A buffer returned when the pool is full, or larger than
/// <see cref="MaxRetainedBytes"/>, is left to the GC. Thread-safe.
/// </summary>
public sealed class LineBufferPool : ArrayPool<byte>
{
    /// <summary>Largest buffer kept (a batch of 5000 lines of ~200 bytes is ~1 MiB; an oversized one is not hoarded).</summary>
    public const int MaxRetainedBytes = 4 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly byte[]?[] _buffers;
    private int _count;

    /// <param name="capacity">Buffers kept: the batches that can be in flight at once (being filled, queued, being written).</param>
    public LineBufferPool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _buffers = new byte[capacity][];
    }

    /// <summary>The pool for an ingest pipeline with <paramref name="writers"/> writers: one batch being filled, up to
    /// <paramref name="writers"/> queued for them and <paramref name="writers"/> being written.</summary>
    public static LineBufferPool ForWriters(int writers) => new(2 * Math.Max(1, writers) + 1);

    public int Capacity => _buffers.Length;

    /// <summary>Buffers kept now.</summary>
    public int Retained
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Bytes kept now.</summary>
    public long RetainedBytes
    {
        get
        {
            lock (_gate)
            {
                long total = 0;
                for (int i = 0; i < _count; i++)
                {
                    total += _buffers[i]!.Length;
                }

                return total;
            }
        }
    }

    /// <summary>The largest kept buffer if it holds <paramref name="minimumLength"/> bytes, otherwise a new one (a power of two).</summary>
    public override byte[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        lock (_gate)
        {
            int best = -1;
            for (int i = 0; i < _count; i++)
            {
                if (_buffers[i]!.Length >= minimumLength && (best < 0 || _buffers[i]!.Length > _buffers[best]!.Length))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                var buffer = _buffers[best]!;
                _buffers[best] = _buffers[--_count];
                _buffers[_count] = null;
                return buffer;
            }
        }

        return GC.AllocateUninitializedArray<byte>(SizeFor(minimumLength));
    }

    /// <summary>
    /// The length of a new buffer: a power of two below 64 KiB, above it the next multiple of 64 KiB. A batch of 5000
    /// lines (~550 KB with the documented fields) grows (by half, <see cref="LineBatch"/>) to 768 KiB instead of 1 MiB; the
    /// pool keeps each buffer for the batches in flight, so the rounding is committed heap 2 x Writers + 1 times.
    /// </summary>
    public static int SizeFor(int minimumLength)
    {
        const int Granule = 64 * 1024;
        long size = minimumLength <= 16 ? 16
            : minimumLength < Granule ? BitOperations.RoundUpToPowerOf2((uint)minimumLength)
            : ((minimumLength + (long)Granule - 1) / Granule) * Granule;
        return (int)Math.Max(Math.Min(size, Array.MaxLength), minimumLength);
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length == 0 || array.Length > MaxRetainedBytes)
        {
            return;
        }

        if (clearArray)
        {
            Array.Clear(array);
        }

        lock (_gate)
        {
            if (_count < _buffers.Length)
            {
                _buffers[_count++] = array;
                return;
            }

            // Full: keep the larger buffers (a batch then starts at the size batches grow to).
            int smallest = 0;
            for (int i = 1; i < _count; i++)
            {
                if (_buffers[i]!.Length < _buffers[smallest]!.Length)
                {
                    smallest = i;
                }
            }

            if (_buffers[smallest]!.Length < array.Length)
            {
                _buffers[smallest] = array;
            }
        }
    }
}
