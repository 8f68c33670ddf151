using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Health;

/// <summary>
/// Loads the registry's last snapshot at start (nodes marked restored until heard from; what cannot be read is skipped,
/// counted and the file moved aside: never a failed start), saves it every
/// <see cref="HealthRegistryOptions.SnapshotInterval"/> and once more at shutdown. Each save has a timeout; a failed
/// save is logged and retried at the next interval. What other parts keep with the snapshot (the active alerts) comes
/// from the registered <see cref="ISnapshotContributor"/>s, one header section each.
/// </summary>
public sealed partial class HealthPersistenceService(
    HealthRegistry registry,
    IOptions<HealthRegistryOptions> options,
    TimeProvider time,
    ILogger<HealthPersistenceService> logger,
    IEnumerable<ISnapshotContributor>? contributors = null) : BackgroundService
{
    private readonly ISnapshotContributor[] _contributors = contributors?.ToArray() ?? [];
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(30);
    private const int MaxProblemsLogged = 10;
    private readonly HealthSnapshotStore? _store =
        string.IsNullOrWhiteSpace(options.Value.SnapshotPath) ? null : new HealthSnapshotStore(options.Value.SnapshotPath);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            await RestoreAsync(_store, cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Restores what can be read of the snapshot and never fails the start (a hub that cannot start because of its own
    /// snapshot would crash-loop): unreadable lines and nodes are skipped, and a file with any problem is moved aside
    /// (<c>.bad-{time}</c>, kept for a look) so the next save does not overwrite the evidence. Each problem is logged
    /// and counted (<see cref="HealthRegistry.SnapshotProblem"/>: /ingest/stats and <c>citybrain.hub.snapshot.problems</c>).
    /// </summary>
    private async Task RestoreAsync(HealthSnapshotStore store, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(IoTimeout);
        int restored = 0;
        long problemsBefore = registry.SnapshotProblems;
        try
        {
            // One node at a time, into the registry as it is read: a city's snapshot is never held whole.
            var snapshot = await store.LoadAsync(node => restored += registry.Restore([node]), Problem, cts.Token);
            if (snapshot is not null)
            {
                var sections = new List<string>(_contributors.Length);
                foreach (var contributor in _contributors)
                {
                    int items = snapshot.Sections.TryGetValue(contributor.Section, out var saved) ? contributor.Restore(saved) : 0;
                    sections.Add($"{items} {contributor.Section}");
                }

                LogRestored(restored, string.Join(", ", sections), store.Path, snapshot.SavedAt);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Slow storage, not a bad file: start with what was read, keep the file.
            registry.SnapshotProblem($"not read within {IoTimeout.TotalSeconds:0} s");
            LogLoadTimedOut(store.Path, IoTimeout.TotalSeconds, restored);
            return;
        }
        catch (Exception ex) when (!FatalErrors.IsFatal(ex) && ex is not OperationCanceledException)
        {
            registry.SnapshotProblem($"{ex.GetType().Name}: {ex.Message}");
            LogLoadFailed(ex, store.Path, restored);
        }

        if (registry.SnapshotProblems > problemsBefore)
        {
            MoveAside(store.Path, restored);
        }

        void Problem(string problem)
        {
            registry.SnapshotProblem(problem);
            if (registry.SnapshotProblems - problemsBefore <= MaxProblemsLogged)
            {
                LogProblem(problem);
            }
        }
    }

    private void MoveAside(string path, int restored)
    {
        string aside = path + ".bad-" + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            if (File.Exists(path))
            {
                File.Move(path, aside, overwrite: true);
                LogMovedAside(path, aside, restored);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogMoveAsideFailed(ex, path, aside);
        }
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
            var file = new HealthSnapshotFile
            {
                SavedAt = time.GetUtcNow(),
                Nodes = registry.EnumerateNodes(),
                Sections = _contributors.ToDictionary(c => c.Section, c => c.Save(), StringComparer.Ordinal),
            };
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Count} nodes (last known state) and {Sections} from {Path}, saved at {SavedAt}")]
    private partial void LogRestored(int count, string sections, string path, DateTimeOffset savedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load the health snapshot {Path}; starting with the {Restored} nodes read before the fault")]
    private partial void LogLoadFailed(Exception ex, string path, int restored);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}")]
    private partial void LogProblem(string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "The health snapshot {Path} could not be read in full: moved aside to {Aside} (kept for a look); started with the {Restored} nodes that could be read")]
    private partial void LogMovedAside(string path, string aside, int restored);

    [LoggerMessage(Level = LogLevel.Error, Message = "The damaged health snapshot {Path} could not be moved aside to {Aside}; the next save replaces it")]
    private partial void LogMoveAsideFailed(Exception ex, string path, string aside);

    [LoggerMessage(Level = LogLevel.Error, Message = "The health snapshot {Path} was not read within {Seconds} s; started with the {Restored} nodes read so far (the file is kept)")]
    private partial void LogLoadTimedOut(string path, double seconds, int restored);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save the health snapshot {Path}; will retry at the next interval")]
    private partial void LogSaveFailed(Exception ex, string path);
}
