using CityBrain.Hub.Sinks;

namespace CityBrain.Hub.Alerts;

/// <summary><see cref="DatabaseRule"/>: raised on the hub itself while a sink has failed every write for longer than After.</summary>
internal sealed class DatabaseEvaluator(ConditionStore conditions, AlertLedger ledger, TimeZoneInfo zone)
    : RuleEvaluator(conditions, ledger, zone)
{
    public void Evaluate(DatabaseRule rule, SinkHealth sinks, DateTimeOffset now)
    {
        var failing = sinks.LongestFailing();
        bool holds = failing is not null;
        double seconds = failing is { } f ? Math.Max(0, (now - f.Since).TotalSeconds) : 0;
        string text = failing is { } w ? $"database {w.Sink} down since {Show(w.Since)}: {w.Reason}; readings stay unacknowledged at the broker" : "";
        Step(rule, SinkHealth.Location, SinkHealth.Location, sinks.Hub, null, holds, failing?.Since, rule.For + rule.After, seconds, "s", text, now);
    }
}
