using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Composition.MadeUpDriver;

/// <summary>A sensor that always reads the configured value.</summary>
public sealed class EchoDriver(string sensorId, EchoFields fields, TimeProvider time) : ISensorDriver
{
    public string SensorId => sensorId;

    public IReadOnlyList<QuantityInfo> Quantities { get; } = [new(fields.Quantity, fields.Unit)];

    public ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
    {
        collector.Add(new Reading(sensorId, fields.Quantity, fields.Value, fields.Unit, time.GetUtcNow()));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
