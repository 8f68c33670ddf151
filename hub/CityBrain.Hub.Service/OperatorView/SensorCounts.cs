using CityBrain.Hub.Health;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>How many of a node's sensors are in each <see cref="SensorStatus"/>.</summary>
public sealed record SensorCounts(int Ok, int Stale, int Fault, int Idle)
{
    public int Total => Ok + Stale + Fault + Idle;

    public static SensorCounts Of(IReadOnlyList<SensorView> sensors)
    {
        int ok = 0, stale = 0, fault = 0, idle = 0;
        foreach (var s in sensors)
        {
            switch (s.Status)
            {
                case SensorStatus.Ok: ok++; break;
                case SensorStatus.Stale: stale++; break;
                case SensorStatus.Fault: fault++; break;
                default: idle++; break;
            }
        }

        return new SensorCounts(ok, stale, fault, idle);
    }
}
