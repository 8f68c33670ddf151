using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Hub;

/// <summary>
/// Warns before the hub runs out of its GC heap limit (<c>DOTNET_GCHeapHardLimit</c> in citybrain-hub.service, 64 MiB).
/// What the heap keeps is mostly the health registry, which grows with the city's sensors, not with load: a deployment
/// that outgrows the limit would otherwise only see OutOfMemoryException, exit 70 and a restart loop. Once a minute it
/// reads what survived the last background (gen2) collection (its promoted bytes: what is live); above
/// <see cref="WarningFraction"/> of the limit it logs a warning naming the setting and a value to raise it to (again
/// at most every ten minutes while that lasts).
/// </summary>
public sealed partial class MemoryHeadroomMonitor(TimeProvider time, ILogger<MemoryHeadroomMonitor> logger, Func<(long HeapBytes, long LimitBytes)>? read = null)
    : BackgroundService
{
    public const double WarningFraction = 0.75;

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Repeat = TimeSpan.FromMinutes(10);
    private readonly Func<(long HeapBytes, long LimitBytes)> _read = read ?? ReadGc;
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;

    /// <summary>Checks once; true when it warned.</summary>
    public bool Check()
    {
        var (heap, limit) = _read();
        if (limit <= 0 || heap < WarningFraction * limit || time.GetUtcNow() - _lastWarning < Repeat)
        {
            return false;
        }

        _lastWarning = time.GetUtcNow();
        long suggestedMiB = (long)Math.Ceiling(heap * 2.0 / (1024 * 1024) / 16) * 16;
        LogNearLimit(heap / (1024 * 1024), limit / (1024 * 1024), suggestedMiB, (suggestedMiB * 1024 * 1024).ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static (long, long) ReadGc()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Background);
        if (info.Index == 0)
        {
            info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        }

        // Without a hard limit TotalAvailableMemoryBytes is the machine's (or cgroup's) memory: the same rule applies.
        return info.Index == 0 ? (0, 0) : (info.PromotedBytes, info.TotalAvailableMemoryBytes);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{HeapMiB} MiB of the GC heap survived the last full collection, of a {LimitMiB} MiB limit (mostly the health registry, which grows with the number of sensors): raise DOTNET_GCHeapHardLimit in citybrain-hub.service to at least {SuggestedMiB} MiB (hex without 0x: {SuggestedHex}) before the hub runs out of memory (exit 70 and a restart)")]
    private partial void LogNearLimit(long heapMiB, long limitMiB, long suggestedMiB, string suggestedHex);
}
