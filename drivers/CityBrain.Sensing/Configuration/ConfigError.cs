namespace CityBrain.Sensing.Configuration;

/// <summary>One problem in a configuration file: where (JSON pointer), the offending value, what is wrong and how to fix it.</summary>
public sealed record ConfigError(string Path, string? Value, string Problem, string Fix)
{
    public override string ToString() =>
        Value is null ? $"{Path}: {Problem}. Fix: {Fix}" : $"{Path} = {Value}: {Problem}. Fix: {Fix}";
}
