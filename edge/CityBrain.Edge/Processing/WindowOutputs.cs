namespace CityBrain.Edge.Processing;

/// <summary>Which aggregates <see cref="WindowAggregate"/> emits, as quantity suffixes.</summary>
[Flags]
public enum WindowOutputs
{
    None = 0,

    /// <summary><c>&lt;quantity&gt;_min</c></summary>
    Min = 1,

    /// <summary><c>&lt;quantity&gt;_max</c></summary>
    Max = 2,

    /// <summary><c>&lt;quantity&gt;_mean</c></summary>
    Mean = 4,

    /// <summary><c>&lt;quantity&gt;_count</c>, unit <c>count</c></summary>
    Count = 8,

    All = Min | Max | Mean | Count,
}
