using System.Globalization;
using CityBrain.Hub.Health;

namespace CityBrain.Hub.Alerts;

/// <summary><see cref="StaleRule"/>: each of a node's sensors the registry marks stale (one condition per sensor).</summary>
internal sealed class StaleEvaluator(ConditionStore conditions, AlertLedger ledger, TimeZoneInfo zone)
    : RuleEvaluator(conditions, ledger, zone), INodeRuleEvaluator<StaleRule>
{
    public void Evaluate(StaleRule rule, NodeView node, DateTimeOffset now)
    {
        foreach (var sensor in node.Sensors)
        {
            if (rule.Sensor is not null && rule.Sensor != sensor.Id)
            {
                continue;
            }

            // An offline or silent node is the offline rule's business: no flood of stale sensors.
            bool holds = sensor.Status == SensorStatus.Stale && node.State != NodeStatus.Offline && !node.Silent;
            double seconds = sensor.LastSeen is { } seen ? (now - seen).TotalSeconds : 0;
            string text = !holds ? "" : $"sensor {sensor.Id} on {node.Node} silent since {Show(sensor.LastSeen)} (expected every {(sensor.IntervalMs / 1000.0).ToString("0.#", CultureInfo.InvariantCulture)} s)";
            Step(rule, node, sensor.Id, holds, null, rule.For, seconds, "s", text, now);
        }
    }
}
