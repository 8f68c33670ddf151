using System.Net;
using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// Serves simulated devices over Modbus TCP and/or RTU (a serial port or pty), moving their values on a timer.
/// Used by the demo, by technicians for training (<c>citybrain simulate modbus</c>) and by tests.
/// </summary>
public sealed class ModbusSimulator : IAsyncDisposable
{
    private readonly SimulatedDevice?[] _units = new SimulatedDevice?[256];
    private readonly List<IAsyncDisposable> _servers = [];
    private readonly TimeProvider _timeProvider;
    private readonly ModbusServerOptions _serverOptions;
    private readonly CancellationTokenSource _stop = new();
    private Task _updates = Task.CompletedTask;

    public ModbusSimulator(IModbusFaultInjector? faults = null, TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        var broadcast = new BroadcastStore(_units);
        _serverOptions = new ModbusServerOptions { ResolveUnit = u => u == ModbusLimits.BroadcastUnit ? broadcast : _units[u], Faults = faults, TimeProvider = _timeProvider, MaxConnections = 64 };
    }

    /// <summary>
    /// Requests answered so far by every listener: what the devices were asked for (ground truth for loss tests: a
    /// poll of one register is one request).
    /// </summary>
    public long RequestsServed => _servers.Sum(s => s switch
    {
        ModbusTcpServer tcp => tcp.Counters.Requests,
        ModbusRtuServer rtu => rtu.Counters.Requests,
        _ => 0,
    });

    /// <summary>Serves <paramref name="device"/> at <paramref name="unit"/>.</summary>
    public void AddDevice(byte unit, SimulatedDevice device) => _units[unit] = device ?? throw new ArgumentNullException(nameof(device));

    /// <summary>Listens for Modbus TCP at <paramref name="endpoint"/> (port 0 = any free port); returns the bound endpoint.</summary>
    public IPEndPoint StartTcp(IPEndPoint endpoint)
    {
        var server = new ModbusTcpServer(endpoint, _serverOptions);
        server.Start();
        _servers.Add(server);
        return server.LocalEndPoint;
    }

    /// <summary>Serves Modbus RTU on <paramref name="transport"/> (e.g. a <see cref="SerialTransport"/> on a pty).</summary>
    public async Task StartRtuAsync(IModbusTransport transport, CancellationToken cancellationToken)
    {
        var server = new ModbusRtuServer(transport, _serverOptions);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        _servers.Add(server);
    }

    /// <summary>Moves every device's values each <paramref name="interval"/> until disposed.</summary>
    public void StartUpdating(TimeSpan interval) => _updates = UpdateLoopAsync(interval, _stop.Token);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _updates.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task UpdateLoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var device in _units)
            {
                device?.Advance();
            }
        }
    }
}
