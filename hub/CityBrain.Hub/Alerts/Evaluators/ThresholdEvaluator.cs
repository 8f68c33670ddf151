using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// <see cref="ThresholdRule"/>s: every observed reading (O(rules of that quantity)) and, on the tick, the pending and
/// active conditions (durations, windows). Hysteresis: raised past the level, cleared back past the clear level.
/// </summary>
internal sealed class ThresholdEvaluator : RuleEvaluator
{
    private readonly FrozenDictionary<string, Watch[]> _byQuantity;
    private readonly TimeSpan _maxReadingAge;

    public ThresholdEvaluator(IEnumerable<ThresholdRule> rules, TimeSpan maxReadingAge, ConditionStore conditions, AlertLedger ledger, TimeZoneInfo zone)
        : base(conditions, ledger, zone)
    {
        _maxReadingAge = maxReadingAge;
        _byQuantity = rules
            .GroupBy(r => r.Quantity, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(r => new Watch(r, conditions.CounterOf(r.Id))).ToArray(), StringComparer.Ordinal);
    }

    public bool IsEmpty => _byQuantity.Count == 0;

    /// <summary>Steps the rules of each reading's quantity (bad-quality and too old readings are ignored).</summary>
    public void OnTelemetry(NodeTopic topic, TelemetryMessage message, DateTimeOffset receivedAt)
    {
        foreach (var (_, r) in message.ReadingSpan())
        {
            if (!_byQuantity.TryGetValue(r.Quantity, out var watches)
                || r.Quality == Quality.Bad
                || receivedAt - r.Timestamp > _maxReadingAge)
            {
                continue;
            }

            foreach (var (rule, conditions) in watches)
            {
                if (!rule.Matches(topic.District, topic.Grid, topic.Node, r.Sensor))
                {
                    continue;
                }

                // Only a value that raises (in the rule's window) starts a condition. Any other value matters only
                // to a condition that exists, and none exists while the rule counts none: skip the keyed lookup.
                bool starts = rule.Raises(r.Value) && rule.InWindow(receivedAt, Zone);
                if ((!starts && Volatile.Read(ref conditions.Value) == 0)
                    || Conditions.Enter(rule, topic.District, topic.Grid, topic.Node, r.Sensor, starts) is not { } state)
                {
                    continue;
                }

                try
                {
                    state.LastValue = r.Value;
                    state.Unit = r.Unit;
                    Step(rule, state, receivedAt);
                }
                finally
                {
                    Conditions.Exit(state);
                }
            }
        }
    }

    /// <summary>The tick: pending durations and windows of the threshold conditions that exist.</summary>
    public void Evaluate(DateTimeOffset now)
    {
        foreach (var state in Conditions.All())
        {
            if (state.Rule is not ThresholdRule rule)
            {
                continue;
            }

            lock (state.Gate)
            {
                // A removed state was idle when it went; one just created is stepped (and kept or removed) by its creator.
                if (!state.Removed && state.LastValue is not null && !state.IsIdle)
                {
                    Step(rule, state, now);
                    Conditions.RemoveIfIdle(state);
                }
            }
        }
    }

    /// <summary>Threshold step with hysteresis, minimum duration and window. Caller holds the state's lock.</summary>
    private void Step(ThresholdRule rule, ConditionState state, DateTimeOffset now)
    {
        double v = state.LastValue!.Value;
        bool inWindow = rule.InWindow(now, Zone);
        if (state.Active is { } active)
        {
            if (!inWindow || rule.Clears(v))
            {
                Ledger.Clear(state, now);
            }
            else if (active.Value != v)
            {
                state.Active = active with { Value = v };
                Ledger.Touched();
            }

            return;
        }

        if (!inWindow || !rule.Raises(v))
        {
            state.PendingSince = null;
            return;
        }

        state.PendingSince ??= now;
        if (now - state.PendingSince.Value >= rule.For)
        {
            string level = rule.Level.ToString(CultureInfo.InvariantCulture);
            string text = $"{rule.Quantity} {v.ToString(CultureInfo.InvariantCulture)} {state.Unit} {(rule.Above ? "above" : "below")} {level}"
                + (rule.For > TimeSpan.Zero ? $" for {Show(rule.For)}" : "");
            Ledger.Raise(state, now, v, state.Unit, rule.Quantity, rule.Level, text);
        }
    }

    /// <summary>A rule and how many of its conditions the store holds.</summary>
    private readonly record struct Watch(ThresholdRule Rule, StrongBox<int> Conditions);
}
