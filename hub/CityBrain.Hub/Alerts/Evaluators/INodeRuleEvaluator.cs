using CityBrain.Hub.Health;

namespace CityBrain.Hub.Alerts;

/// <summary>Evaluates rules of one kind against a node's view (on the tick, and at once when the node changes).</summary>
internal interface INodeRuleEvaluator<in TRule>
    where TRule : AlertRule
{
    /// <summary>Steps the rule's condition(s) at this node; the caller has checked that the rule matches the node.</summary>
    void Evaluate(TRule rule, NodeView node, DateTimeOffset now);
}
