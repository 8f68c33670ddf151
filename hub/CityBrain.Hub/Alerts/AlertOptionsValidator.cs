using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Alerts;

/// <summary>Validates <see cref="AlertOptions"/> at load through <see cref="AlertRuleCompiler"/>.</summary>
public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        AlertRuleCompiler.Compile(options, out _, out var errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
