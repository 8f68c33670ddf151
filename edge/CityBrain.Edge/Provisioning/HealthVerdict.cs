using CityBrain.Edge.Hosting;
using CityBrain.Sensing.Contract;

namespace CityBrain.Edge.Provisioning;

/// <summary>Is a freshly applied node healthy: connected to its broker again, and not every sensor faulty.</summary>
public static class HealthVerdict
{
    /// <summary>Null when healthy; otherwise why not (so far).</summary>
    public static string? Check(EdgeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!node.Connection.IsConnected)
        {
            var mqtt = node.Configuration.Configuration.Mqtt;
            return $"the broker {mqtt.Host}:{mqtt.EffectivePort} is not connected ({node.Connection.LastError ?? "no answer yet"})";
        }

        if (node.Runners.Count == 0)
        {
            return null;
        }

        var sensors = node.Runners.Select(r => r.State.Snapshot()).ToList();
        if (sensors.Any(s => s.Status == SensorHealth.Ok))
        {
            return null;
        }

        return sensors.All(s => s.Status == SensorHealth.Fault)
            ? "every sensor is faulty: " + string.Join("; ", sensors.Select(s => $"{s.Id}: {s.LastError?.Message ?? "fault"}"))
            : "no sensor has read successfully yet";
    }
}
