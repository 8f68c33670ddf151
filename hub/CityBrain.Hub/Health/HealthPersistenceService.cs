using CityBrain.Hub.Alerts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Health;

/// <summary>
/// Loads the registry's last snapshot at start (nodes marked restored until heard from), saves it every
/// <see cref="HealthRegistryOptions.SnapshotInterval"/> and once more at shutdown. Each save has a timeout; a failed
/// save is logged and retried at the next interval.
/// </summary>
public sealed partial class HealthPersistenceService(
    HealthRegistry registry,
    IOptions<HealthRegistryOptions> options,
    TimeProvider time,
    ILogger<HealthPersistenceService> logger,
    AlertEngine? alerts = null) : BackgroundService
{
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(30);
    private readonly HealthSnapshotStore? _store =
        string.IsNullOrWhiteSpace(options.Value.SnapshotPath) ? null : new HealthSnapshotStore(options.Value.SnapshotPath);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(IoTimeout);
            int restored = 0;
            try
            {
                // One node at a time, into the registry as it is read: a city's snapshot is never held whole.
                var snapshot = await _store.LoadAsync(node => restored += registry.Restore([node]), cts.Token);
                if (snapshot is not null)
                {
                    int restoredAlerts = alerts?.Restore(snapshot.Alerts) ?? 0;
                    LogRestored(restored, restoredAlerts, _store.Path, snapshot.SavedAt);
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                LogLoadFailed(ex, _store.Path, restored);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await SaveAsync(cancellationToken);
    }

    /// <summary>Writes the snapshot now (also used by tests and at shutdown).</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(IoTimeout);
        try
        {
            var file = new HealthSnapshotFile { SavedAt = time.GetUtcNow(), Nodes = registry.EnumerateNodes(), Alerts = alerts?.GetActive() ?? [] };
            await _store.SaveAsync(file, cts.Token);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            LogSaveFailed(ex, _store.Path);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.SnapshotInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SaveAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Count} nodes (last known state) and {Alerts} active alerts from {Path}, saved at {SavedAt}")]
    private partial void LogRestored(int count, int alerts, string path, DateTimeOffset savedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load the health snapshot {Path}; starting with the {Restored} nodes read before the fault")]
    private partial void LogLoadFailed(Exception ex, string path, int restored);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save the health snapshot {Path}; will retry at the next interval")]
    private partial void LogSaveFailed(Exception ex, string path);
}
