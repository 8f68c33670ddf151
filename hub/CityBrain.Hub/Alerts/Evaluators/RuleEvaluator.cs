using System.Globalization;
using CityBrain.Hub.Health;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// What the evaluators of every rule kind share: the condition store, the ledger that raises and clears, the rules'
/// time zone, and the step of a rule that holds or not (node, sensor and hub rules; thresholds step their own way).
/// </summary>
internal abstract class RuleEvaluator(ConditionStore conditions, AlertLedger ledger, TimeZoneInfo zone)
{
    protected ConditionStore Conditions { get; } = conditions;

    protected AlertLedger Ledger { get; } = ledger;

    protected TimeZoneInfo Zone { get; } = zone;

    protected void Step(
        AlertRule rule, NodeView node, string? sensor, bool holds, DateTimeOffset? since, TimeSpan required,
        double value, string unit, string text, DateTimeOffset now) =>
        Step(rule, node.District, node.Grid, node.Node, sensor, holds, since, required, value, unit, text, now);

    /// <summary>
    /// A rule that holds (since <paramref name="since"/>, or since it was first seen holding) for
    /// <paramref name="required"/> raises; one that no longer holds, or is outside its window, clears.
    /// </summary>
    protected void Step(
        AlertRule rule, string district, string grid, string node, string? sensor, bool holds, DateTimeOffset? since, TimeSpan required,
        double value, string unit, string text, DateTimeOffset now)
    {
        // Only a rule that holds creates a condition: a healthy city keeps no state.
        if (Conditions.Enter(rule, district, grid, node, sensor, create: holds) is not { } state)
        {
            return;
        }

        try
        {
            bool inWindow = rule.InWindow(now, Zone);
            state.LastValue = value;
            state.Unit = unit;
            if (state.Active is { } active)
            {
                if (!holds || !inWindow)
                {
                    Ledger.Clear(state, now);
                }
                else
                {
                    // Seconds offline or silent grow every tick: kept current, but not a change worth a push.
                    state.Active = active with { Value = value };
                }

                return;
            }

            if (!holds || !inWindow)
            {
                state.PendingSince = null;
                return;
            }

            state.PendingSince = since is { } s && s <= now ? s : state.PendingSince ?? now;
            if (now - state.PendingSince >= required)
            {
                Ledger.Raise(state, now, value, unit, quantity: null, threshold: null, text);
            }
        }
        finally
        {
            Conditions.Exit(state);
        }
    }

    protected static string Show(TimeSpan d) =>
        d.TotalMinutes >= 1 && d.Seconds == 0 && d.Milliseconds == 0
            ? $"{d.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min"
            : $"{d.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";

    protected static string Show(DateTimeOffset? at) =>
        at?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";
}
