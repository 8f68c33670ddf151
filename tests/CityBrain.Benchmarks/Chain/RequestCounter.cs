using CityBrain.Modbus;

namespace CityBrain.Benchmarks.Chain;

/// <summary>
/// Counts every request the simulator answers (the ground truth of polls made) through the server's fault-injection
/// hook; it never injects a fault.
/// </summary>
internal sealed class RequestCounter : IModbusFaultInjector
{
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    public ModbusFaultAction Decide(byte unit, ReadOnlySpan<byte> requestPdu)
    {
        Interlocked.Increment(ref _requests);
        return ModbusFaultAction.None;
    }
}
