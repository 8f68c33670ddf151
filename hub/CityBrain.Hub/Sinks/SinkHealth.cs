using System.Collections.Concurrent;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// Whether the hub's databases take writes, as the sink writers see it (reported by <see cref="ResilientSinkWriter"/>):
/// the <c>database</c> alert rule reads it on every tick. The hub is that alert's node (<see cref="Hub"/>), in the
/// pseudo district and grid <see cref="Location"/>.
/// </summary>
public sealed class SinkHealth(string hub, TimeProvider time)
{
    /// <summary>District and grid of hub-level alerts (topic <c>citybrain/v1/_alerts/hub/hub/{hub}/{rule}</c>).</summary>
    public const string Location = "hub";

    private readonly ConcurrentDictionary<string, (DateTimeOffset Since, string Reason)> _failing = new(StringComparer.Ordinal);

    /// <summary>The hub's instance name (the node of its alerts).</summary>
    public string Hub { get; } = hub;

    /// <summary>A write to <paramref name="sink"/> failed and will be retried (the first failure of a run sets the time).</summary>
    public void Failed(string sink, string reason) =>
        _failing.AddOrUpdate(sink, _ => (time.GetUtcNow(), reason), (_, old) => (old.Since, reason));

    /// <summary>A write to <paramref name="sink"/> was accepted.</summary>
    public void Succeeded(string sink) => _failing.TryRemove(sink, out _);

    /// <summary>The sink failing the longest, if any.</summary>
    public (string Sink, DateTimeOffset Since, string Reason)? LongestFailing()
    {
        (string, DateTimeOffset, string)? worst = null;
        foreach (var (sink, (since, reason)) in _failing)
        {
            if (worst is not { } w || since < w.Item2)
            {
                worst = (sink, since, reason);
            }
        }

        return worst;
    }
}
