using System.Runtime.CompilerServices;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// Compares (sensor, quantity, unit) by string identity: drivers reuse their name strings, so identity is a cheap
/// stand-in for equality on the encoding hot path (no string hashing). Equal names in different instances merely get
/// two entries in a record's series table; decoding still yields equal names.
/// </summary>
internal sealed class SeriesKeyComparer : IEqualityComparer<(string Sensor, string Quantity, string Unit)>
{
    public static readonly SeriesKeyComparer Instance = new();

    public bool Equals((string Sensor, string Quantity, string Unit) x, (string Sensor, string Quantity, string Unit) y) =>
        ReferenceEquals(x.Sensor, y.Sensor) && ReferenceEquals(x.Quantity, y.Quantity) && ReferenceEquals(x.Unit, y.Unit);

    public int GetHashCode((string Sensor, string Quantity, string Unit) obj) =>
        HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Sensor), RuntimeHelpers.GetHashCode(obj.Quantity), RuntimeHelpers.GetHashCode(obj.Unit));
}
