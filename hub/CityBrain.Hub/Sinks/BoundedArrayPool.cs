using System.Buffers;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// Keeps at most <see cref="Capacity"/> arrays, each at the size it grew to, for the batches in flight (the point arrays of
/// <see cref="PointBatch"/>). <see cref="ArrayPool{T}.Shared"/> keeps every size of a batch's growth per core and per
/// bucket, as it did for the line buffers (<see cref="LineBufferPool"/>): under the hub benchmark at 100 readings per
/// message the 52 MiB heap of the NativeAOT hub ran out (OutOfMemoryException in the writers). Thread-safe.
/// </summary>
public sealed class BoundedArrayPool<T>(int capacity) : ArrayPool<T>
{
    private readonly Lock _gate = new();
    private readonly T[]?[] _arrays = new T[Math.Max(1, capacity)][];
    private int _count;

    public int Capacity => _arrays.Length;

    /// <summary>The largest kept array if it holds <paramref name="minimumLength"/> items, otherwise a new one of that length.</summary>
    public override T[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        lock (_gate)
        {
            int best = -1;
            for (int i = 0; i < _count; i++)
            {
                if (_arrays[i]!.Length >= minimumLength && (best < 0 || _arrays[i]!.Length > _arrays[best]!.Length))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                var array = _arrays[best]!;
                _arrays[best] = _arrays[--_count];
                _arrays[_count] = null;
                return array;
            }
        }

        // The size asked for (a batch asks for its full size at once): rounding 5,000 points up to 8,192 wasted 39%.
        return new T[Math.Max(16, minimumLength)];
    }

    /// <summary>Keeps the array if there is room (replacing the smallest kept one if it is larger); otherwise leaves it to the GC.</summary>
    public override void Return(T[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length == 0)
        {
            return;
        }

        if (clearArray)
        {
            Array.Clear(array);
        }

        lock (_gate)
        {
            if (_count < _arrays.Length)
            {
                _arrays[_count++] = array;
                return;
            }

            int smallest = 0;
            for (int i = 1; i < _count; i++)
            {
                if (_arrays[i]!.Length < _arrays[smallest]!.Length)
                {
                    smallest = i;
                }
            }

            if (_arrays[smallest]!.Length < array.Length)
            {
                _arrays[smallest] = array;
            }
        }
    }
}
