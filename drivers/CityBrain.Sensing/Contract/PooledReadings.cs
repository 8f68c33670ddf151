using System.Buffers;
using System.Collections;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// The readings of a parsed <see cref="TelemetryMessage"/> in an array rented from a pool (the hub passes one to
/// <see cref="TelemetryCodec.TryRead(ReadOnlySequence{byte}, out TelemetryMessage?, out ContractViolation?, ArrayPool{SequencedReading}?)"/>):
/// the hub holds a message from its receipt until its lines are formatted, long enough for a 6 KB array per 100
/// readings to be promoted and collected in gen2. <see cref="Return"/> gives the array back once nothing reads the
/// readings any more; reading them afterwards throws instead of seeing another message's readings.
/// </summary>
public sealed class PooledReadings : IReadOnlyList<SequencedReading>
{
    private readonly ArrayPool<SequencedReading> _pool;
    private readonly int _count;
    private SequencedReading[]? _array;

    internal PooledReadings(ArrayPool<SequencedReading> pool, List<SequencedReading> readings)
    {
        _pool = pool;
        _count = readings.Count;
        _array = pool.Rent(_count);
        readings.CopyTo(_array);
    }

    public int Count => _count;

    /// <summary>The readings; throws once returned.</summary>
    public ReadOnlySpan<SequencedReading> Span =>
        _array is { } array ? array.AsSpan(0, _count) : throw new ObjectDisposedException(nameof(PooledReadings), "the readings were returned to their pool");

    public SequencedReading this[int index] => (uint)index < (uint)_count ? Span[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Gives the array back to its pool (once; later calls do nothing).</summary>
    public void Return()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            _pool.Return(array);
        }
    }

    public IEnumerator<SequencedReading> GetEnumerator()
    {
        for (int i = 0; i < _count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
