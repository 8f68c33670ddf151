using System.Globalization;
using CityBrain.Hub.Alerts;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Notifications;

/// <summary>
/// Checks <see cref="NotificationOptions"/> at load: every problem names the field (JSON pointer), the value and the
/// fix. Secrets (bearer tokens, signing keys) are never part of a message.
/// </summary>
public sealed class NotificationOptionsValidator(IOptions<AlertOptions> alerts) : IValidateOptions<NotificationOptions>
{
    private const string S = "/Hub/Notifications";

    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = Check(options, alerts.Value.Rules.Select(r => r.Id).OfType<string>().ToHashSet(StringComparer.Ordinal));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => e.ToString()));
    }

    /// <param name="ruleIds">The ids of the configured alert rules (an escalation entry must name one, or <c>*</c>).</param>
    public static IReadOnlyList<ConfigError> Check(NotificationOptions o, IReadOnlySet<string> ruleIds)
    {
        var errors = new List<ConfigError>();
        void Fail(string path, object? value, string problem, string fix) =>
            errors.Add(new ConfigError(path, value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture), problem, fix));
        void Duration(string path, TimeSpan value, TimeSpan min, TimeSpan max, string fix)
        {
            if (value < min || value > max)
            {
                Fail(path, value, $"is out of range {min}..{max}", fix);
            }
        }

        if (string.IsNullOrWhiteSpace(o.OutboxPath))
        {
            Fail($"{S}/OutboxPath", o.OutboxPath, "is empty", "give a directory the hub can write, e.g. \"/var/lib/citybrain-hub/notifications\"");
        }

        if (o.OutboxCapacity is < 1 or > 1_000_000)
        {
            Fail($"{S}/OutboxCapacity", o.OutboxCapacity, "is out of range 1..1000000", "use e.g. 10000");
        }

        if (o.RetryAttempts is < 1 or > 20)
        {
            Fail($"{S}/RetryAttempts", o.RetryAttempts, "is out of range 1..20", "use e.g. 3 (a failed round starts again after RoundPause anyway)");
        }

        Duration($"{S}/InitialRetryDelay", o.InitialRetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1), "use e.g. \"00:00:01\"");
        Duration($"{S}/MaxRetryDelay", o.MaxRetryDelay, o.InitialRetryDelay, TimeSpan.FromHours(1), "use e.g. \"00:00:30\", at least InitialRetryDelay");
        Duration($"{S}/RoundPause", o.RoundPause, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), "use e.g. \"00:00:30\"");
        Duration($"{S}/EscalationTick", o.EscalationTick, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), "use e.g. \"00:00:05\"");

        var channels = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < o.Webhooks.Count; i++)
        {
            CheckWebhook(o.Webhooks[i], $"{S}/Webhooks/{i}", channels, Fail, Duration);
        }

        for (int level = EscalationLevels.Grid; level <= EscalationLevels.City; level++)
        {
            var ids = o.Levels.Of(level);
            string name = char.ToUpperInvariant(EscalationLevels.Name(level)[0]) + EscalationLevels.Name(level)[1..];
            for (int i = 0; i < ids.Count; i++)
            {
                if (!channels.Contains(ids[i]))
                {
                    Fail($"{S}/Levels/{name}/{i}", ids[i], "names no channel", $"use the Id of an item of {S}/Webhooks ({(channels.Count == 0 ? "none configured" : string.Join(", ", channels))})");
                }
            }
        }

        var escalated = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < o.Escalation.Count; i++)
        {
            CheckEscalation(o.Escalation[i], $"{S}/Escalation/{i}", o.Levels, ruleIds, escalated, Fail);
        }

        return errors;
    }

    private static void CheckWebhook(
        WebhookOptions w, string at, HashSet<string> channels, Action<string, object?, string, string> fail, Action<string, TimeSpan, TimeSpan, TimeSpan, string> duration)
    {
        if (!Location.IsValidId(w.Id))
        {
            fail($"{at}/Id", w.Id, "is not a valid channel id", "use lower-case letters, digits and '-', e.g. \"district-centre-ops\"");
        }
        else if (!channels.Add(w.Id!))
        {
            fail($"{at}/Id", w.Id, "is used by an earlier channel", "give every channel its own id");
        }

        if (!Uri.TryCreate(w.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            fail($"{at}/Url", w.Url, "is not an absolute http or https URL", "give the receiver's URL, e.g. \"https://alerts.example.org/citybrain\"");
        }
        else if (!string.IsNullOrEmpty(url.UserInfo))
        {
            fail($"{at}/Url", "(contains user info; not shown)", "carries a user name or password, which would end up in logs", "remove it and set BearerTokenFile instead");
        }

        CheckSecret(w.BearerToken, w.BearerTokenFile, $"{at}/BearerToken", $"{at}/BearerTokenFile", fail);
        CheckSecret(w.SigningKey, w.SigningKeyFile, $"{at}/SigningKey", $"{at}/SigningKeyFile", fail);
        duration($"{at}/Timeout", w.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), "use e.g. \"00:00:10\"");
    }

    private static void CheckSecret(string? value, string? file, string valuePath, string filePath, Action<string, object?, string, string> fail)
    {
        if (!string.IsNullOrEmpty(value) && !string.IsNullOrEmpty(file))
        {
            fail(valuePath, "(set; not shown)", $"is given together with {filePath}", "keep one of them (the file is preferred: the secret stays out of hub.json)");
        }

        if (!string.IsNullOrEmpty(file) && !File.Exists(file))
        {
            fail(filePath, file, "does not exist", "create the file (one line, readable by the hub user only) or remove the setting");
        }
    }

    private static void CheckEscalation(
        EscalationOptions e, string at, EscalationLevelOptions levels, IReadOnlySet<string> ruleIds, HashSet<string> seen, Action<string, object?, string, string> fail)
    {
        if (string.IsNullOrEmpty(e.Rule) || (e.Rule != "*" && !ruleIds.Contains(e.Rule)))
        {
            fail($"{at}/Rule", e.Rule, "names no alert rule", $"use the Id of an item of /Hub/Alerts/Rules, or \"*\" for every other rule");
        }
        else if (!seen.Add(e.Rule))
        {
            fail($"{at}/Rule", e.Rule, "has an earlier escalation entry", "keep one entry per rule");
        }

        TimeSpan previous = TimeSpan.Zero;
        for (int level = EscalationLevels.Street; level <= EscalationLevels.City; level++)
        {
            if (e.Of(level) is not { } delay)
            {
                continue;
            }

            string name = char.ToUpperInvariant(EscalationLevels.Name(level)[0]) + EscalationLevels.Name(level)[1..];
            if (delay <= previous)
            {
                fail($"{at}/{name}", delay, previous == TimeSpan.Zero ? "is not positive" : $"is not later than the level below ({previous})",
                    "give each higher level a longer delay from the raise, e.g. Street \"00:15:00\", District \"01:00:00\", City \"04:00:00\"");
            }

            if (levels.Of(level).Count == 0)
            {
                fail($"{at}/{name}", delay, $"escalates to the {EscalationLevels.Name(level)} level, which has no channel", $"add channel ids to /Hub/Notifications/Levels/{name} or remove this delay");
            }

            previous = delay > previous ? delay : previous;
        }
    }
}
