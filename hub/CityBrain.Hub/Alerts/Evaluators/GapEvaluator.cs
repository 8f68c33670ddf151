using System.Globalization;
using CityBrain.Hub.Health;

namespace CityBrain.Hub.Alerts;

/// <summary><see cref="GapRule"/>: no telemetry for longer than After, or a sequence gap seen within Hold.</summary>
internal sealed class GapEvaluator(ConditionStore conditions, AlertLedger ledger, TimeZoneInfo zone)
    : RuleEvaluator(conditions, ledger, zone), INodeRuleEvaluator<GapRule>
{
    public void Evaluate(GapRule rule, NodeView node, DateTimeOffset now)
    {
        bool noTelemetry = rule.After > TimeSpan.Zero && node.LastTelemetry is { } t && now - t > rule.After;
        bool sequenceGap = node.Sequence.Missing > 0 && node.Sequence.LastGapAt is { } g && now - g < rule.Hold;
        bool holds = noTelemetry || sequenceGap;
        double value = noTelemetry ? (now - node.LastTelemetry!.Value).TotalSeconds : node.Sequence.Missing;
        string text = !holds ? "" : noTelemetry
            ? $"no telemetry from {node.Node} since {Show(node.LastTelemetry)}"
            : $"data gap: {node.Sequence.Missing.ToString(CultureInfo.InvariantCulture)} readings missing from {node.Node}";
        Step(rule, node, null, holds, null, rule.For, value, noTelemetry ? "s" : "readings", text, now);
    }
}
