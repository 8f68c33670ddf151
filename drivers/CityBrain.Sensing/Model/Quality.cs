namespace CityBrain.Sensing;

/// <summary>How far a reading can be trusted. Wire names: <c>good</c>, <c>uncertain</c>, <c>bad</c>.</summary>
public enum Quality : byte
{
    /// <summary>Read from the device and inside every configured check.</summary>
    Good = 0,

    /// <summary>Read, but suspicious: outside the plausible range, a rejected spike, or derived from partial data.</summary>
    Uncertain = 1,

    /// <summary>Read, but known to be wrong (out of the sensor's physical range, device reported an error value).</summary>
    Bad = 2,
}
