namespace CityBrain.Edge.Processing;

/// <summary>A processor configuration error; the message names the path (e.g. <c>processors[2].window</c>), the value and the fix.</summary>
public sealed class ProcessorConfigException : Exception
{
    public ProcessorConfigException()
    {
    }

    public ProcessorConfigException(string message)
        : base(message)
    {
    }

    public ProcessorConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProcessorConfigException(string path, string message, Exception? innerException = null)
        : base($"{path}: {message}", innerException)
    {
        Path = path;
    }

    /// <summary>Where in the configuration, e.g. <c>processors[1].maxSilentSeconds</c>.</summary>
    public string? Path { get; }
}
