using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace CityBrain.Sensing.Hosting;

/// <summary>
/// Sends systemd <c>WATCHDOG=1</c> at half the unit's <c>WatchdogSec=</c> (systemd passes it as <c>WATCHDOG_USEC</c>)
/// while the <see cref="PipelineWatchdog"/> finds no stall. When the pipeline is stuck it logs why, once, and stops
/// pinging: systemd then kills the process (SIGABRT) and restarts it (<c>Restart=always</c>). Does nothing when the
/// process does not run under a systemd watchdog. Used by both services (the edge's node, the hub's ingest).
/// </summary>
public sealed class SystemdWatchdogService : BackgroundService
{
    private readonly PipelineWatchdog _watchdog;
    private readonly ISystemdNotifier? _notifier;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan? _interval;
    private bool _stalled;

    public SystemdWatchdogService(PipelineWatchdog watchdog, TimeProvider time, ILogger<SystemdWatchdogService> logger, ISystemdNotifier? notifier = null)
        : this(watchdog, time, logger, notifier, IntervalFromEnvironment())
    {
    }

    /// <param name="interval">The watchdog timeout systemd enforces (null: no watchdog).</param>
    public SystemdWatchdogService(PipelineWatchdog watchdog, TimeProvider time, ILogger<SystemdWatchdogService> logger, ISystemdNotifier? notifier, TimeSpan? interval)
    {
        _watchdog = watchdog;
        _time = time;
        _logger = logger;
        _notifier = notifier;
        _interval = interval;
    }

    /// <summary>Pings sent so far.</summary>
    public long Pings { get; private set; }

    /// <summary><c>WATCHDOG_USEC</c> when it is meant for this process (<c>WATCHDOG_PID</c> absent or ours), else null.</summary>
    public static TimeSpan? IntervalFromEnvironment()
    {
        if (Environment.GetEnvironmentVariable("WATCHDOG_PID") is { Length: > 0 } pid
            && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_interval is not { } interval || _notifier is not { IsEnabled: true })
        {
            return;
        }

        var period = interval / 2;
        _logger.LogInformation("systemd watchdog: {Timeout} s; pinging every {Period} s while the pipeline moves", interval.TotalSeconds, period.TotalSeconds);
        using var timer = new PeriodicTimer(period, _time);
        do
        {
            Tick();
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One watchdog period: pings if the pipeline moves; returns whether it pinged.</summary>
    public bool Tick()
    {
        if (_notifier is not { IsEnabled: true } notifier)
        {
            return false;
        }

        var stalls = _watchdog.Check();
        if (stalls.Count > 0)
        {
            if (!_stalled)
            {
                _stalled = true;
                _logger.LogCritical(
                    "The pipeline is stuck ({Stalls}); watchdog pings stop, systemd restarts the service within {Timeout} s",
                    string.Join("; ", stalls), _interval?.TotalSeconds);
            }

            return false;
        }

        if (_stalled)
        {
            _logger.LogWarning("The pipeline moves again; systemd watchdog pings resume");
            _stalled = false;
        }

        notifier.Notify(new ServiceState("WATCHDOG=1"));
        Pings++;
        return true;
    }

    private static async ValueTask<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
