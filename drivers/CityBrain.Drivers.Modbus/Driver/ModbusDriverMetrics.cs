using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// Counters of the Modbus driver (meter <c>CityBrain.Drivers.Modbus</c>): requests sent, failed requests by fault
/// reason, and request duration, tagged with bus and sensor.
/// </summary>
public static class ModbusDriverMetrics
{
    public const string MeterName = "CityBrain.Drivers.Modbus";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("citybrain.modbus.requests", "{request}", "Read requests a Modbus sensor sent (after planning).");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("citybrain.modbus.request.failures", "{request}", "Read requests that ended in a fault, by reason code.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("citybrain.modbus.request.duration", "ms", "Time per planned read request including retries.");

    internal static void Record(string bus, string sensor, TimeSpan elapsed, string? failure)
    {
        var tags = new TagList { { "bus", bus }, { "sensor", sensor } };
        Requests.Add(1, tags);
        Duration.Record(elapsed.TotalMilliseconds, tags);
        if (failure is not null)
        {
            tags.Add("reason", failure);
            Failures.Add(1, tags);
        }
    }
}
