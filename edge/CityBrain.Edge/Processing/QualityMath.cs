using CityBrain.Sensing;

namespace CityBrain.Edge.Processing;

/// <summary>Quality only ever gets worse on the way through the stages.</summary>
internal static class QualityMath
{
    public static Quality Worst(Quality a, Quality b) => a >= b ? a : b;
}
