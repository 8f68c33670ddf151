namespace CityBrain.Hub.Sinks;

/// <summary>What a <see cref="ResilientSinkWriter"/> counts (the ingest's meter implements it).</summary>
public interface ISinkMetrics
{
    /// <summary>A write to the sink is retried.</summary>
    void Retry(string sink);

    /// <summary>The sink's circuit breaker opened.</summary>
    void BreakerOpened(string sink);
}
