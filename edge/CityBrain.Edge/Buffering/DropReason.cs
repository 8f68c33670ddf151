namespace CityBrain.Edge.Buffering;

/// <summary>Why readings left a buffer without being acknowledged; the <c>reason</c> tag of the dropped counter.</summary>
internal enum DropReason
{
    Overflow,
    Expired,
    Corrupt,
}
