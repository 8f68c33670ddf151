using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CityBrain.Hub.Ingest;

/// <summary>Logs a given key at most once per interval, saying how many were suppressed, so bad input cannot flood the log.</summary>
public sealed class RateLimitedLogger
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public RateLimitedLogger(ILogger logger, TimeProvider time, TimeSpan interval)
    {
        _logger = logger;
        _time = time;
        _interval = interval;
    }

    public void Warn(string key, string message, params object?[] args)
    {
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        long now = _time.GetTimestamp();
        long suppressed;
        lock (entry)
        {
            if (entry.Last != 0 && _time.GetElapsedTime(entry.Last, now) < _interval)
            {
                entry.Suppressed++;
                return;
            }

            entry.Last = now;
            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
        }

#pragma warning disable CA2254 // the template is a constant of the caller
        _logger.LogWarning(message + " ({Suppressed} similar suppressed)", [.. args, suppressed]);
#pragma warning restore CA2254
    }

    private sealed class Entry
    {
        public long Last { get; set; }

        public long Suppressed { get; set; }
    }
}
