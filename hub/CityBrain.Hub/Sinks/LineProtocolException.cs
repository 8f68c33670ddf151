namespace CityBrain.Hub.Sinks;

/// <summary>A value that line protocol cannot carry (a line break in a name, NaN); the point is dead-lettered, never written.</summary>
public sealed class LineProtocolException : Exception
{
    public LineProtocolException()
    {
    }

    public LineProtocolException(string message)
        : base(message)
    {
    }

    public LineProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
