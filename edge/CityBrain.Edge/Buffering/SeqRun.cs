namespace CityBrain.Edge.Buffering;

/// <summary>A half-open run of sequence numbers <c>[Start, End)</c>.</summary>
internal readonly record struct SeqRun(long Start, long End)
{
    public long Length => End - Start;
}
