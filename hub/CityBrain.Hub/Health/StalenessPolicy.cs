namespace CityBrain.Hub.Health;

/// <summary>Decides when a sensor or a node is stale, from <see cref="HealthRegistryOptions"/>.</summary>
internal sealed class StalenessPolicy(HealthRegistryOptions options)
{
    /// <summary>How long a sensor with this poll interval may stay silent (0 interval: never stale).</summary>
    public TimeSpan SensorLimit(long intervalMs) =>
        intervalMs <= 0
            ? TimeSpan.MaxValue
            : Max(TimeSpan.FromMilliseconds(intervalMs * options.SensorStaleFactor), TimeSpan.FromMilliseconds(intervalMs) + options.MinimumStaleSlack);

    public TimeSpan NodeLimit(int healthIntervalS)
    {
        var interval = healthIntervalS > 0 ? TimeSpan.FromSeconds(healthIntervalS) : options.DefaultHealthInterval;
        return Max(interval * options.NodeStaleFactor, interval + options.MinimumStaleSlack);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
