namespace CityBrain.Hub.Sinks;

/// <summary>The outcome of one write request: a partial success is a result, not an exception.</summary>
public readonly record struct SinkWriteResult(SinkWriteStatus Status, int HttpStatus, string? Message, TimeSpan? RetryAfter)
{
    public static readonly SinkWriteResult Ok = new(SinkWriteStatus.Accepted, 204, null, null);

    public static SinkWriteResult Retry(int httpStatus, string message, TimeSpan? retryAfter = null) =>
        new(SinkWriteStatus.Transient, httpStatus, message, retryAfter);

    public static SinkWriteResult Reject(int httpStatus, string message) => new(SinkWriteStatus.Rejected, httpStatus, message, null);

    public override string ToString() => $"{Status} (HTTP {HttpStatus}){(Message is null ? string.Empty : ": " + Message)}";
}
