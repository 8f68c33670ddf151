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

        if (options.Token is { } token && token.Trim().Length < MinTokenLength)
        {
            errors.Add($"{S}:Token is set but shorter than {MinTokenLength} characters; use a long random secret (e.g. `openssl rand -hex 32`).");
        }

        var open = addresses.Where(a => !a.IsLoopback).ToList();
        if (open.Count > 0 && string.IsNullOrWhiteSpace(options.Token))
        {
            errors.Add($"{S}:Listen has {string.Join(", ", open)}, which is not loopback, and {S}:Token is not set; set a token (every request must then carry it) or listen on 127.0.0.1 only.");
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
}
