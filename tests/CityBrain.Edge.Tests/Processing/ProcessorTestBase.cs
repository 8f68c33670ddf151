using CityBrain.Sensing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Processing;

/// <summary>A fake clock that stamps readings as a driver would, and a collector.</summary>
public abstract class ProcessorTestBase
{
    private protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    private protected ListCollector Output { get; } = new();

    private protected DateTimeOffset Now => Clock.GetUtcNow();

    private protected Reading At(double value, string quantity = "temperature", Quality quality = Quality.Good, string unit = "°C") =>
        new("weather-1", quantity, value, unit, Now, quality);

    /// <summary>Feeds a reading stamped now, then advances the clock.</summary>
    private protected void Feed(IReadingProcessor stage, double value, TimeSpan? then = null, string quantity = "temperature", Quality quality = Quality.Good)
    {
        stage.Process(At(value, quantity, quality), Output);
        Clock.Advance(then ?? TimeSpan.FromSeconds(1));
    }

    private protected static double[] Values(IEnumerable<Reading> readings) => readings.Select(r => r.Value).ToArray();
}
