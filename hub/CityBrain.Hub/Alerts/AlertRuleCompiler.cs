using System.Globalization;
using CityBrain.Sensing;
using CityBrain.Sensing.Catalogue;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// Turns <see cref="AlertOptions"/> into typed <see cref="AlertRule"/>s (one record per kind), collecting every problem with a message that names
/// the field, the value and the fix.
/// </summary>
public static class AlertRuleCompiler
{
    public static IReadOnlyList<AlertRule> Compile(AlertOptions options, out TimeZoneInfo zone, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        const string S = AlertOptions.Section;
        zone = TimeZoneInfo.Utc;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            problems.Add($"{S}:TimeZone is '{options.TimeZone}', which is not a known time zone; use an IANA id such as 'Europe/Berlin' or 'UTC'.");
        }

        Check(options.TickInterval >= TimeSpan.FromMilliseconds(100) && options.TickInterval <= TimeSpan.FromMinutes(10),
            $"{S}:TickInterval is {options.TickInterval}; use a value between 00:00:00.1 and 00:10:00 (default 00:00:05).");
        Check(options.HistoryLimit is >= 0 and <= 100_000, $"{S}:HistoryLimit is {options.HistoryLimit}; use a number between 0 and 100000 (default 500).");
        Check(options.MaxActive is >= 1 and <= 1_000_000, $"{S}:MaxActive is {options.MaxActive}; use a number between 1 and 1000000 (default 10000).");
        Check(options.MaxConditions is >= 1 and <= 10_000_000, $"{S}:MaxConditions is {options.MaxConditions}; use a number between 1 and 10000000 (default 200000).");
        Check(options.MaxReadingAge > TimeSpan.Zero, $"{S}:MaxReadingAge is {options.MaxReadingAge}; use a positive duration (default 00:15:00).");
        Check(options.PublishQueueCapacity is >= 1 and <= 1_000_000, $"{S}:PublishQueueCapacity is {options.PublishQueueCapacity}; use a number between 1 and 1000000 (default 10000).");
        Check(options.PublishAttempts is >= 1 and <= 100, $"{S}:PublishAttempts is {options.PublishAttempts}; use a number between 1 and 100 (default 5).");
        Check(options.PublishTimeout >= TimeSpan.FromMilliseconds(100) && options.PublishTimeout <= TimeSpan.FromMinutes(5),
            $"{S}:PublishTimeout is {options.PublishTimeout}; use a value between 00:00:00.1 and 00:05:00 (default 00:00:10).");

        var rules = new List<AlertRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Rules.Count; i++)
        {
            var r = options.Rules[i];
            string at = $"{S}:Rules:{i}";
            int before = problems.Count;
            if (!Location.IsValidId(r.Id))
            {
                problems.Add($"{at}:Id is '{r.Id}'; give every rule a unique id of lower-case letters, digits, '-' and '_' (e.g. 'bin-full').");
            }
            else if (!ids.Add(r.Id!))
            {
                problems.Add($"{at}:Id '{r.Id}' is used by an earlier rule; rule ids must be unique.");
            }

            if (r.Kind is null || !AlertKinds.All.Contains(r.Kind))
            {
                problems.Add($"{at}:Kind is '{r.Kind}'; use one of {string.Join(", ", AlertKinds.All)}.");
            }

            if (!AlertSeverities.All.Contains(r.Severity))
            {
                problems.Add($"{at}:Severity is '{r.Severity}'; use one of {string.Join(", ", AlertSeverities.All)}.");
            }

            CheckId(r.District, $"{at}:District");
            CheckId(r.Grid, $"{at}:Grid");
            CheckId(r.Node, $"{at}:Node");
            CheckId(r.Sensor, $"{at}:Sensor");
            Check(r.For >= TimeSpan.Zero && r.For <= TimeSpan.FromDays(7), $"{at}:For is {r.For}; use a duration between 00:00:00 and 7.00:00:00.");
            TimeWindow? window = null;
            if (r.Window is not null)
            {
                if (TimeWindow.TryParse(r.Window, out var w))
                {
                    window = w;
                }
                else
                {
                    problems.Add($"{at}:Window is '{r.Window}'; use local times 'HH:mm-HH:mm' with different ends (e.g. '22:00-06:00').");
                }
            }

            double level = 0, clear = 0;
            bool above = false;
            if (r.Kind == AlertKinds.Threshold)
            {
                if (!TelemetryCodec.IsValidQuantity(r.Quantity))
                {
                    problems.Add($"{at}:Quantity is '{r.Quantity}'; threshold rules need the snake_case quantity they watch (e.g. 'fill_level').");
                }
                else if (!QuantityCatalogue.Default.Contains(r.Quantity!))
                {
                    string? nearest = QuantityCatalogue.Default.Nearest(r.Quantity!);
                    problems.Add($"{at}:Quantity is '{r.Quantity}', which is not in the quantity catalogue, so no node reports it{(nearest is null ? "" : $"; did you mean '{nearest}'?")} (firmware-config/catalogue/quantities.json lists the quantities).");
                }

                if (r.Above.HasValue == r.Below.HasValue)
                {
                    problems.Add($"{at}: give exactly one of Above or Below (Above is {Show(r.Above)}, Below is {Show(r.Below)}).");
                }
                else
                {
                    above = r.Above.HasValue;
                    level = r.Above ?? r.Below!.Value;
                    clear = r.Clear ?? level;
                    if (!double.IsFinite(level) || !double.IsFinite(clear))
                    {
                        problems.Add($"{at}: levels must be finite numbers.");
                    }
                    else if (above ? clear > level : clear < level)
                    {
                        problems.Add($"{at}:Clear is {Show(r.Clear)}; for a rule raising {(above ? "above" : "below")} {Show(level)} the clear level must be {(above ? "at or below" : "at or above")} it (e.g. Above 90, Clear 80).");
                    }
                }
            }
            else if (r.Kind is not null && (r.Above.HasValue || r.Below.HasValue || r.Clear.HasValue))
            {
                problems.Add($"{at}: Above, Below and Clear apply to threshold rules only; remove them from this '{r.Kind}' rule.");
            }

            var after = r.After ?? TimeSpan.Zero;
            Check(after >= TimeSpan.Zero && after <= TimeSpan.FromDays(7), $"{at}:After is {r.After}; use a duration between 00:00:00 and 7.00:00:00.");
            var hold = r.Hold ?? TimeSpan.FromMinutes(10);
            Check(hold > TimeSpan.Zero && hold <= TimeSpan.FromDays(1), $"{at}:Hold is {r.Hold}; use a duration between 00:00:01 and 1.00:00:00 (default 00:10:00).");
            if (problems.Count == before)
            {
                rules.Add(Create(r, above, level, clear, after, hold, window));
            }
        }

        errors = problems;
        return rules;

        void Check(bool ok, string message)
        {
            if (!ok)
            {
                problems.Add(message);
            }
        }

        void CheckId(string? value, string field)
        {
            if (value is not null && !Location.IsValidId(value))
            {
                problems.Add($"{field} is '{value}'; use an id of lower-case letters, digits, '-' and '_', or leave it out to match all.");
            }
        }
    }

    private static AlertRule Create(AlertRuleOptions r, bool above, double level, double clear, TimeSpan after, TimeSpan hold, TimeWindow? window)
    {
        AlertRule rule = r.Kind switch
        {
            AlertKinds.Threshold => new ThresholdRule { Id = r.Id!, Severity = r.Severity, Quantity = r.Quantity!, Above = above, Level = level, ClearLevel = clear },
            AlertKinds.Stale => new StaleRule { Id = r.Id!, Severity = r.Severity },
            AlertKinds.Offline => new OfflineRule { Id = r.Id!, Severity = r.Severity, After = after },
            AlertKinds.Gap => new GapRule { Id = r.Id!, Severity = r.Severity, After = after, Hold = hold },
            AlertKinds.Buffer => new BufferRule { Id = r.Id!, Severity = r.Severity, After = after, Hold = hold },
            AlertKinds.Database => new DatabaseRule { Id = r.Id!, Severity = r.Severity, After = after },
            _ => throw new ArgumentException($"unchecked rule kind '{r.Kind}'", nameof(r)),
        };
        return rule with
        {
            Description = r.Description,
            District = r.District,
            Grid = r.Grid,
            Node = r.Node,
            Sensor = r.Sensor,
            For = r.For,
            Window = window,
        };
    }

    private static string Show(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "not set";
}
