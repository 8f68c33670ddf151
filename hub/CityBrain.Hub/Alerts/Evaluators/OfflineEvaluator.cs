using CityBrain.Hub.Health;

namespace CityBrain.Hub.Alerts;

/// <summary><see cref="OfflineRule"/>: a node offline (from when its state changed) or silent.</summary>
internal sealed class OfflineEvaluator(ConditionStore conditions, AlertLedger ledger, TimeZoneInfo zone)
    : RuleEvaluator(conditions, ledger, zone), INodeRuleEvaluator<OfflineRule>
{
    public void Evaluate(OfflineRule rule, NodeView node, DateTimeOffset now)
    {
        bool offline = node.State == NodeStatus.Offline;
        bool holds = offline || node.Silent;
        DateTimeOffset? since = offline ? node.StateSince : null;
        double seconds = since is { } s ? Math.Max(0, (now - s).TotalSeconds) : 0;
        // The text only serves a raise, which needs the rule to hold: no string per healthy node and tick.
        string text = !holds ? "" : offline
            ? $"node {node.Node} offline ({node.OfflineReason ?? "unknown"})"
            : $"node {node.Node} silent: no health or telemetry since {Show(node.LastSeen)}";
        Step(rule, node, null, holds, since, rule.For + rule.After, seconds, "s", text, now);
    }
}
