using System.Collections.Concurrent;
using System.Globalization;
using CityBrain.Hub.Health;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// <see cref="BufferRule"/>: a node's buffer dropping readings (its dropped counters grew within Hold; the first look
/// is the baseline), degraded, holding its telemetry, or with a backlog older than After.
/// </summary>
internal sealed class BufferEvaluator(ConditionStore conditions, AlertLedger ledger, TimeZoneInfo zone)
    : RuleEvaluator(conditions, ledger, zone), INodeRuleEvaluator<BufferRule>
{
    private readonly ConcurrentDictionary<string, DropMark> _dropped = new(StringComparer.Ordinal);

    public void Evaluate(BufferRule rule, NodeView node, DateTimeOffset now)
    {
        bool dropping = Dropping(node, rule.Hold, now, out long dropped);
        var buffer = node.Buffer;
        bool degraded = buffer is not null && buffer.State != "ok";
        bool held = node.Publish?.Held == true;
        bool old = rule.After > TimeSpan.Zero && buffer is not null && buffer.OldestAgeS >= rule.After.TotalSeconds;
        bool holds = dropping || degraded || held || old;
        string text = !holds ? "" : dropping
            ? $"node {node.Node} dropped readings from its buffer ({dropped.ToString(CultureInfo.InvariantCulture)} in all)"
            : degraded ? $"node {node.Node} buffer {buffer!.State}: {buffer.HeldInMemory.ToString(CultureInfo.InvariantCulture)} readings held in memory only"
            : held ? $"node {node.Node} holds its telemetry: the broker reports no subscriber (the hub's session is missing)"
            : $"node {node.Node} buffer backlog {buffer!.Readings.ToString(CultureInfo.InvariantCulture)} readings, oldest {Show(TimeSpan.FromSeconds(buffer.OldestAgeS))} old";
        Step(rule, node, null, holds, null, rule.For, dropping ? dropped : buffer?.Readings ?? 0, "readings", text, now);
    }

    /// <summary>Drops the baseline of a node the registry no longer knows.</summary>
    public void Forget(string node) => _dropped.TryRemove(node, out _);

    /// <summary>Whether the node's buffer dropped readings within <paramref name="hold"/> (a dropped counter grew; the first look is the baseline).</summary>
    private bool Dropping(NodeView node, TimeSpan hold, DateTimeOffset now, out long total)
    {
        total = 0;
        if (node.Buffer is not { } b)
        {
            return false; // no health yet: no baseline
        }

        total = b.Dropped.Values.Sum();
        long seen = total;
        var mark = _dropped.AddOrUpdate(
            node.Node,
            _ => new DropMark(seen, null),
            (_, old) => seen > old.Total ? new DropMark(seen, now) : old with { Total = Math.Max(seen, old.Total) });
        return mark.ChangedAt is { } changed && now - changed < hold;
    }

    /// <summary>A node's dropped-readings total when last seen, and when it last grew.</summary>
    private sealed record DropMark(long Total, DateTimeOffset? ChangedAt);
}
