using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Health;

/// <summary>Checks <see cref="HealthRegistryOptions"/> at load; each message names the field, the value and the fix.</summary>
public sealed class HealthRegistryOptionsValidator : IValidateOptions<HealthRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthRegistryOptions options)
    {
        var errors = new List<string>();
        const string S = HealthRegistryOptions.Section;
        if (options.SnapshotInterval < TimeSpan.FromSeconds(1) || options.SnapshotInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{S}:SnapshotInterval is {options.SnapshotInterval}; use a value between 00:00:01 and 01:00:00 (e.g. 00:00:30).");
        }

        if (!double.IsFinite(options.SensorStaleFactor) || options.SensorStaleFactor < 1 || options.SensorStaleFactor > 100)
        {
            errors.Add($"{S}:SensorStaleFactor is {options.SensorStaleFactor}; use a number between 1 and 100 (default 3).");
        }

        if (!double.IsFinite(options.NodeStaleFactor) || options.NodeStaleFactor < 1 || options.NodeStaleFactor > 100)
        {
            errors.Add($"{S}:NodeStaleFactor is {options.NodeStaleFactor}; use a number between 1 and 100 (default 3).");
        }

        if (options.MinimumStaleSlack < TimeSpan.Zero || options.MinimumStaleSlack > TimeSpan.FromHours(1))
        {
            errors.Add($"{S}:MinimumStaleSlack is {options.MinimumStaleSlack}; use a value between 00:00:00 and 01:00:00 (default 00:00:30).");
        }

        if (options.DefaultHealthInterval < TimeSpan.FromSeconds(1) || options.DefaultHealthInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{S}:DefaultHealthInterval is {options.DefaultHealthInterval}; use a value between 00:00:01 and 1.00:00:00 (default 00:01:00).");
        }

        if (options.MaxNodes < 1 || options.MaxNodes > 1_000_000)
        {
            errors.Add($"{S}:MaxNodes is {options.MaxNodes}; use a number between 1 and 1000000.");
        }

        if (options.NodeCountWarning < 1 || options.NodeCountWarning > options.MaxNodes)
        {
            errors.Add($"{S}:NodeCountWarning is {options.NodeCountWarning}; use a number between 1 and MaxNodes ({options.MaxNodes}).");
        }

        if (options.MaxSensorsPerNode < 1 || options.MaxSensorsPerNode > 10_000)
        {
            errors.Add($"{S}:MaxSensorsPerNode is {options.MaxSensorsPerNode}; use a number between 1 and 10000 (default 256).");
        }

        if (options.MaxQuantities < 1 || options.MaxQuantities > 10_000_000)
        {
            errors.Add($"{S}:MaxQuantities is {options.MaxQuantities}; use a number between 1 and 10000000 (default 50000; ~0.36 KB each: size the heap cap with it).");
        }

        if (options.MaxQuantitiesPerNode < 1 || options.MaxQuantitiesPerNode > options.MaxQuantities)
        {
            errors.Add($"{S}:MaxQuantitiesPerNode is {options.MaxQuantitiesPerNode}; use a number between 1 and MaxQuantities ({options.MaxQuantities}) (default 2048).");
        }

        if (options.SparklineBucket < TimeSpan.FromSeconds(1) || options.SparklineBucket > TimeSpan.FromHours(1))
        {
            errors.Add($"{S}:SparklineBucket is {options.SparklineBucket}; use a value between 00:00:01 and 01:00:00 (default 00:01:00).");
        }

        if (options.SparklinePoints < 2 || options.SparklinePoints > 1440)
        {
            errors.Add($"{S}:SparklinePoints is {options.SparklinePoints}; use a number between 2 and 1440 (default 60).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
