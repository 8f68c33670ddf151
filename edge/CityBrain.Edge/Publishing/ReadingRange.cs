using System.Collections;
using CityBrain.Sensing;

namespace CityBrain.Edge.Publishing;

/// <summary>A read-only window on part of a batch's readings (no copy), for a message that carries only that part.</summary>
internal sealed class ReadingRange : IReadOnlyList<SequencedReading>
{
    private readonly IReadOnlyList<SequencedReading> _source;
    private readonly int _offset;

    public ReadingRange(IReadOnlyList<SequencedReading> source, int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + count, source.Count);
        _source = source;
        _offset = offset;
        Count = count;
    }

    public int Count { get; }

    public SequencedReading this[int index] =>
        (uint)index < (uint)Count ? _source[_offset + index] : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<SequencedReading> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return _source[_offset + i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
