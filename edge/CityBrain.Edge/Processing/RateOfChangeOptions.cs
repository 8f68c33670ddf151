namespace CityBrain.Edge.Processing;

/// <summary>Settings of <see cref="RateOfChange"/>.</summary>
public sealed record RateOfChangeOptions
{
    /// <summary>The time unit of the rate: 1 s (default), 1 min or 1 h.</summary>
    public TimeSpan Per { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Pass the input readings on as well as the rate (default true).</summary>
    public bool KeepInput { get; init; } = true;

    public void Validate()
    {
        if (Per != TimeSpan.FromSeconds(1) && Per != TimeSpan.FromMinutes(1) && Per != TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Per), Per, $"RateOfChangeOptions.{nameof(Per)} is {Per}; use second, minute or hour.");
        }
    }

    /// <summary>The unit suffix: <c>s</c>, <c>min</c> or <c>h</c>.</summary>
    public string PerSymbol => Per == TimeSpan.FromHours(1) ? "h" : Per == TimeSpan.FromMinutes(1) ? "min" : "s";
}
