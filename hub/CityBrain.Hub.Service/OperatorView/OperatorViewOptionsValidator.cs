using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// Refuses to start the view on a non-loopback address without a token, and checks the other options; each message
/// names the field, the value and the fix.
/// </summary>
public sealed class OperatorViewOptionsValidator : IValidateOptions<OperatorViewOptions>
{
    public const int MinTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, OperatorViewOptions options)
    {
        const string S = OperatorViewOptions.Section;
        var errors = new List<string>();
        var addresses = new List<ListenAddress>();
        foreach (string entry in (options.Listen ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ListenAddress.TryParse(entry, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                errors.Add($"{S}:Listen has '{entry}', which is not an address to listen on; use http://IP:PORT (e.g. http://127.0.0.1:8080), several separated by ';'.");
            }
        }

        if (addresses.Count == 0 && errors.Count == 0)
        {
            errors.Add($"{S}:Listen is empty; give at least one address, e.g. http://127.0.0.1:8080.");
        }

        if (options.Token is { } token)
        {
            CheckSecret(errors, $"{S}:Token", token);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Tokens.Count; i++)
        {
            var t = options.Tokens[i];
            string at = $"{S}:Tokens:{i}";
            if (!CityBrain.Sensing.Location.IsValidId(t.Name))
            {
                errors.Add($"{at}:Name is '{t.Name}'; name the holder with lower-case letters, digits, '-' and '_' (e.g. ops-north): it is recorded on every acknowledgement.");
            }
            else if (!names.Add(t.Name) || t.Name == TokenGate.DefaultHolder && !string.IsNullOrWhiteSpace(options.Token))
            {
                errors.Add($"{at}:Name '{t.Name}' is used twice; give every holder their own name.");
            }

            CheckSecret(errors, $"{at}:Token", t.Token);
            if (t.District is { } d && !CityBrain.Sensing.Location.IsValidId(d))
            {
                errors.Add($"{at}:District is '{d}', which is not a district id; use the district as nodes name it (e.g. harbour), or leave it out for the whole city.");
            }

            if (t.Street is { } st && !CityBrain.Sensing.Location.IsValidId(st))
            {
                errors.Add($"{at}:Street is '{st}', which is not a street id; use the street as the grid registry and nodes name it (e.g. quay-road), or leave it out.");
            }
        }

        bool hasToken = !string.IsNullOrWhiteSpace(options.Token) || options.Tokens.Count > 0;
        var open = addresses.Where(a => !a.IsLoopback).ToList();
        if (open.Count > 0 && !hasToken)
        {
            errors.Add($"{S}:Listen has {string.Join(", ", open)}, which is not loopback, and no token is set ({S}:Token or {S}:Tokens); set a token (every request must then carry it) or listen on 127.0.0.1 only.");
        }

        var plain = open.Where(a => !a.IsHttps).ToList();
        if (plain.Count > 0 && !options.AllowPlainHttp)
        {
            errors.Add($"{S}:Listen has {string.Join(", ", plain)}: plain HTTP off this machine sends the token in clear text; listen on https://… with {S}:CertificateFile and {S}:KeyFile, or on 127.0.0.1 behind a TLS reverse proxy (docs/operator-view.md), or set {S}:AllowPlainHttp to true if a TLS proxy on a trusted network fronts it.");
        }

        if (addresses.Any(a => a.IsHttps))
        {
            if (string.IsNullOrWhiteSpace(options.CertificateFile) || string.IsNullOrWhiteSpace(options.KeyFile))
            {
                errors.Add($"{S}:Listen has an https:// address but {S}:CertificateFile and {S}:KeyFile are not both set; give the PEM certificate and key files.");
            }
            else
            {
                foreach (var (field, file) in new[] { ("CertificateFile", options.CertificateFile), ("KeyFile", options.KeyFile) })
                {
                    if (!File.Exists(file))
                    {
                        errors.Add($"{S}:{field} is '{file}', which does not exist; install the PEM file there or correct the path.");
                    }
                }
            }
        }

        if (options.EventInterval < TimeSpan.FromMilliseconds(100) || options.EventInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{S}:EventInterval is {options.EventInterval}; use a value between 00:00:00.1 and 00:01:00 (default 00:00:01).");
        }

        if (options.SparklineInterval < TimeSpan.FromSeconds(1) || options.SparklineInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{S}:SparklineInterval is {options.SparklineInterval}; use a value between 00:00:01 and 00:10:00 (default 00:00:30).");
        }

        if (options.MaxEventClients is < 1 or > 10_000)
        {
            errors.Add($"{S}:MaxEventClients is {options.MaxEventClients}; use a number between 1 and 10000 (default 32).");
        }

        if (options.MaxDetailSensors is < 0 or > OperatorViewOptions.MaxDetailSensorsLimit)
        {
            errors.Add($"{S}:MaxDetailSensors is {options.MaxDetailSensors}; use a number between 0 (node summaries only) and {OperatorViewOptions.MaxDetailSensorsLimit} (default {OperatorViewOptions.DefaultMaxDetailSensors}): the live view sends sensor detail only for filters holding at most that many sensors.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// True for a token that is a placeholder, not a secret: one copied from an example ("CHANGE-ME…", "example",
    /// "placeholder", "your-token") or with too few different characters to be random.
    /// </summary>
    public static bool IsPlaceholder(string token)
    {
        string t = token.Trim().ToLowerInvariant();
        string[] words = ["change-me", "changeme", "change_me", "change me", "example", "placeholder", "your-token", "your_token", "replace", "secret-token", "xxxx", "todo"];
        return words.Any(w => t.Contains(w, StringComparison.Ordinal)) || t.Distinct().Count() < 8;
    }

    private static void CheckSecret(List<string> errors, string field, string token)
    {
        if (token.Trim().Length < MinTokenLength)
        {
            errors.Add($"{field} is set but shorter than {MinTokenLength} characters; use a long random secret (e.g. `openssl rand -hex 32`).");
        }
        else if (IsPlaceholder(token))
        {
            errors.Add($"{field} is a placeholder, not a secret; generate one (e.g. `openssl rand -hex 32`) and set it here or in the environment (Hub__OperatorView__Token).");
        }
    }
}
