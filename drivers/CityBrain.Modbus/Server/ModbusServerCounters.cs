namespace CityBrain.Modbus;

/// <summary>Simple thread-safe counters a server keeps (requests served, faults injected, frames rejected).</summary>
public sealed class ModbusServerCounters
{
    private long _requests;
    private long _faults;
    private long _rejectedFrames;

    public long Requests => Interlocked.Read(ref _requests);

    public long InjectedFaults => Interlocked.Read(ref _faults);

    public long RejectedFrames => Interlocked.Read(ref _rejectedFrames);

    internal void Request() => Interlocked.Increment(ref _requests);

    internal void Fault() => Interlocked.Increment(ref _faults);

    internal void Rejected() => Interlocked.Increment(ref _rejectedFrames);
}
