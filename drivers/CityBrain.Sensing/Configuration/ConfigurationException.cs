namespace CityBrain.Sensing.Configuration;

/// <summary>A configuration file that cannot be used; <see cref="Errors"/> lists every problem found, not just the first.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string source, IReadOnlyList<ConfigError> errors)
        : base(Format(source, errors))
    {
        Source = source;
        Errors = errors;
    }

    public ConfigurationException()
        : this("configuration", [])
    {
    }

    public ConfigurationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<ConfigError> Errors { get; }

    private static string Format(string source, IReadOnlyList<ConfigError> errors) =>
        $"{source} has {errors.Count} problem{(errors.Count == 1 ? string.Empty : "s")}:\n  - " + string.Join("\n  - ", errors);
}
