namespace CityBrain.Modbus;

/// <summary>Simple thread-safe counters a server keeps (requests served, faults injected, frames rejected, TCP connections).</summary>
public sealed class ModbusServerCounters
{
    private long _requests;
    private long _faults;
    private long _rejectedFrames;
    private long _connections;
    private long _openConnections;

    public long Requests => Interlocked.Read(ref _requests);

    public long InjectedFaults => Interlocked.Read(ref _faults);

    public long RejectedFrames => Interlocked.Read(ref _rejectedFrames);

    /// <summary>TCP connections accepted and served (not those refused over <see cref="ModbusServerOptions.MaxConnections"/>).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>TCP connections being served now; a connection leaves the count once its socket is closed.</summary>
    public long OpenConnections => Interlocked.Read(ref _openConnections);

    internal void Request() => Interlocked.Increment(ref _requests);

    internal void Fault() => Interlocked.Increment(ref _faults);

    internal void Rejected() => Interlocked.Increment(ref _rejectedFrames);

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _openConnections);
    }

    internal void ConnectionClosed() => Interlocked.Decrement(ref _openConnections);
}
