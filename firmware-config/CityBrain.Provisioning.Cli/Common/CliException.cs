namespace CityBrain.Provisioning.Cli;

/// <summary>An expected failure with a one-line message that says what to do, and its exit code.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message)
        : base(message) => ExitCode = exitCode;

    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int ExitCode { get; } = ExitCodes.Invalid;
}
