using CityBrain.Sensing.Drivers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Sensing.Hardware;

/// <summary>
/// What the host gives drivers to build themselves with: the clock, loggers, the node's configured buses, one lock per
/// physical bus, a crash-safe state store, and shared hardware handles (a <c>GpioController</c>, an I2C device factory,
/// a Modbus bus) that the first driver needing one creates and every other driver reuses. The host may register a
/// handle beforehand (tests register a fake GPIO controller or simulated I2C chips this way). Disposing the context
/// disposes every handle it created, after the drivers.
/// </summary>
public sealed class HardwareContext : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, object> _shared = new(StringComparer.Ordinal);
    private readonly List<object> _owned = [];
    private readonly Dictionary<string, BusLock> _busLocks = new(StringComparer.Ordinal);

    public HardwareContext(
        TimeProvider time,
        ILoggerFactory? loggers = null,
        IReadOnlyDictionary<string, ConfiguredBus>? buses = null,
        DurableStateStore? state = null)
    {
        Time = time;
        Loggers = loggers ?? NullLoggerFactory.Instance;
        Buses = buses ?? new Dictionary<string, ConfiguredBus>(StringComparer.Ordinal);
        State = state;
    }

    public TimeProvider Time { get; }

    public ILoggerFactory Loggers { get; }

    /// <summary>The node's configured buses by id, with the options their bus kind read.</summary>
    public IReadOnlyDictionary<string, ConfiguredBus> Buses { get; }

    /// <summary>Where drivers keep values across restarts; null when the node has no state directory (memory buffer).</summary>
    public DurableStateStore? State { get; }

    /// <summary>The one lock of the physical bus named <paramref name="key"/> (e.g. <c>i2c-1</c>).</summary>
    public BusLock BusLock(string key)
    {
        lock (_lock)
        {
            if (!_busLocks.TryGetValue(key, out var busLock))
            {
                busLock = new BusLock();
                _busLocks[key] = busLock;
            }

            return busLock;
        }
    }

    /// <summary>Registers a handle before drivers are built (the host's choice wins over a driver's default).</summary>
    /// <param name="owned">True when the context disposes it.</param>
    public void Register<T>(string key, T handle, bool owned = false)
        where T : class
    {
        lock (_lock)
        {
            _shared[key] = handle;
            if (owned)
            {
                _owned.Add(handle);
            }
        }
    }

    /// <summary>The handle registered under <paramref name="key"/>, or one made by <paramref name="create"/> (and owned by the context).</summary>
    public T GetOrAdd<T>(string key, Func<T> create)
        where T : class
    {
        lock (_lock)
        {
            if (_shared.TryGetValue(key, out var existing))
            {
                return existing as T ?? throw new InvalidOperationException($"hardware handle '{key}' is a {existing.GetType().Name}, not a {typeof(T).Name}");
            }

            var made = create();
            _shared[key] = made;
            _owned.Add(made);
            return made;
        }
    }

    /// <summary>The handle registered under <paramref name="key"/>, if any.</summary>
    public bool TryGet<T>(string key, out T? handle)
        where T : class
    {
        lock (_lock)
        {
            handle = _shared.TryGetValue(key, out var existing) ? existing as T : null;
            return handle is not null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        object[] owned;
        lock (_lock)
        {
            owned = [.. _owned];
            _owned.Clear();
            _shared.Clear();
        }

        for (int i = owned.Length - 1; i >= 0; i--)
        {
            switch (owned[i])
            {
                case IAsyncDisposable a:
                    await a.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable d:
                    d.Dispose();
                    break;
            }
        }
    }
}
