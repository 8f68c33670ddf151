using System.Diagnostics.Metrics;

namespace CityBrain.Drivers.I2c;

/// <summary>The I2C driver's counters: faults by code and retries, per bus.</summary>
internal static class I2cDriverMetrics
{
    private static readonly Meter Meter = new("CityBrain.Drivers.I2c");

    public static readonly Counter<long> Faults = Meter.CreateCounter<long>("citybrain.i2c.faults", description: "polls of an I2C sensor that gave a fault instead of values");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("citybrain.i2c.retries", description: "extra attempts after a transient I2C failure");
}
