using System.Buffers;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// The points of one batch in a pooled array, each with the index of the source message it came from. Each sink's
/// writer encodes them in the sink's format (<see cref="IPointSink.Format"/>); the line-protocol encoding of the whole
/// batch is made once and shared by every sink that takes it all (<see cref="SharedLines"/>).
/// </summary>
public sealed class PointBatch : IDisposable
{
    private readonly ArrayPool<byte>? _linePool;
    private readonly Lock _gate = new();
    private TelemetryPoint[] _points;
    private int[] _origins;
    private int _count;
    private LineBatch? _lines;
    private List<RejectedLine>? _unencodable;

    /// <param name="linePool">Where the buffers of the line-protocol encodings come from (the pipeline's
    /// <see cref="LineBufferPool"/>, bounded to the batches in flight); <see cref="ArrayPool{T}.Shared"/> when null.</param>
    public PointBatch(int initialPoints = 1024, ArrayPool<byte>? linePool = null)
    {
        _linePool = linePool;
        _points = ArrayPool<TelemetryPoint>.Shared.Rent(initialPoints);
        _origins = ArrayPool<int>.Shared.Rent(initialPoints);
    }

    public int Count => _count;

    public ReadOnlySpan<TelemetryPoint> Points => _points.AsSpan(0, _count);

    public ref readonly TelemetryPoint this[int index] => ref Points[index];

    /// <summary>Where the encodings' buffers come from.</summary>
    internal ArrayPool<byte>? LinePool => _linePool;

    /// <summary>The index of the source message the point belongs to.</summary>
    public int OriginOf(int index) => _origins.AsSpan(0, _count)[index];

    public void Add(in TelemetryPoint point, int origin)
    {
        if (_count == _points.Length)
        {
            Grow();
        }

        _points[_count] = point;
        _origins[_count] = origin;
        _count++;
    }

    /// <summary>
    /// The line-protocol encoding of every point, made once per batch (the origin of each line is its point's index),
    /// and the points it could not encode.
    /// </summary>
    public LineBatch SharedLines(LineProtocolEncoder encoder, out IReadOnlyList<RejectedLine> unencodable)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        lock (_gate)
        {
            if (_lines is null)
            {
                _unencodable = [];
                _lines = encoder.Encode(this, null, _unencodable);
            }

            unencodable = _unencodable!;
            return _lines;
        }
    }

    /// <summary>Copies the points in <paramref name="domains"/> (all when null) into <paramref name="selected"/>, with their indices here.</summary>
    internal int Select(DomainFilter? domains, TelemetryPoint[] selected, int[] indices)
    {
        int n = 0;
        for (int i = 0; i < _count; i++)
        {
            if (domains is null || domains.Includes(_points[i].Quantity))
            {
                selected[n] = _points[i];
                indices[n++] = i;
            }
        }

        return n;
    }

    public void Dispose()
    {
        _lines?.Dispose();
        _lines = null;
        ArrayPool<TelemetryPoint>.Shared.Return(_points, clearArray: true);
        ArrayPool<int>.Shared.Return(_origins);
        _points = [];
        _origins = [];
        _count = 0;
    }

    private void Grow()
    {
        var points = ArrayPool<TelemetryPoint>.Shared.Rent(_points.Length * 2);
        var origins = ArrayPool<int>.Shared.Rent(_points.Length * 2);
        _points.AsSpan(0, _count).CopyTo(points);
        _origins.AsSpan(0, _count).CopyTo(origins);
        ArrayPool<TelemetryPoint>.Shared.Return(_points, clearArray: true);
        ArrayPool<int>.Shared.Return(_origins);
        _points = points;
        _origins = origins;
    }
}
