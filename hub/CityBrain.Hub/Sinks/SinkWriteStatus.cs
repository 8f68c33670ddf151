namespace CityBrain.Hub.Sinks;

public enum SinkWriteStatus
{
    /// <summary>Every line was accepted.</summary>
    Accepted,

    /// <summary>The server refused some or all lines for good (400 partial write, 422): do not resend as is; find the bad lines.</summary>
    Rejected,

    /// <summary>Try again later (connection refused, timeout, 429, 5xx, auth/config errors an operator can fix).</summary>
    Transient,
}
