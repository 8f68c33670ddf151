using CityBrain.Sensing;

namespace CityBrain.Hub.Health;

/// <summary>The last value and sparkline ring of one quantity (it is its ring: one object). Guarded by its node's lock.</summary>
internal sealed class QuantityState(string quantity, TimeSpan sparklineBucket, int sparklinePoints) : SparklineRing(sparklineBucket, sparklinePoints)
{
    public string Quantity { get; } = quantity;

    public string Unit { get; set; } = "";

    public double Value { get; set; }

    public Quality Quality { get; set; }

    // UTC ticks: 8 bytes instead of 16 for a DateTimeOffset (0.4 MB at 50k quantities).
    private long _timestampTicks;

    public DateTimeOffset Timestamp
    {
        get => new(_timestampTicks, TimeSpan.Zero);
        set => _timestampTicks = value.UtcTicks;
    }

    public SparklineRing Ring => this;

    public QuantityView ToView(long nowMs) =>
        new(Quantity, Unit, Value, Quality.ToWire(), Timestamp, Ring.Points(nowMs));
}
