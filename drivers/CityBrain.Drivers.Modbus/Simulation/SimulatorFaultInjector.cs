using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>Applies <see cref="SimulatedFault"/>s at random (seeded) to requests; the first fault that fires wins.</summary>
public sealed class SimulatorFaultInjector : IModbusFaultInjector
{
    private readonly SimulatedFault[] _faults;
    private readonly Random _random;
    private readonly Lock _lock = new();

    public SimulatorFaultInjector(IEnumerable<SimulatedFault> faults, int seed = 7)
    {
        ArgumentNullException.ThrowIfNull(faults);
        _faults = [.. faults];
        _random = new Random(seed);
    }

    public ModbusFaultAction Decide(byte unit, ReadOnlySpan<byte> requestPdu)
    {
        if (_faults.Length == 0)
        {
            return ModbusFaultAction.None;
        }

        lock (_lock)
        {
            foreach (var fault in _faults)
            {
                if ((fault.Unit is null || fault.Unit == unit) && (fault.Probability >= 1 || _random.NextDouble() < fault.Probability))
                {
                    return new ModbusFaultAction(fault.Kind, fault.Code, fault.Delay);
                }
            }
        }

        return ModbusFaultAction.None;
    }
}
