namespace CityBrain.Hub.OnCall;

/// <summary>Why the hub has no answer to an on-call request.</summary>
public enum OnCallFailure
{
    /// <summary>The node answered.</summary>
    None,

    /// <summary>The hub is not connected to the broker.</summary>
    NotConnected,

    /// <summary>The hub already waits for its maximum of answers.</summary>
    TooManyPending,

    /// <summary>The broker refused the request (the ACL: this hub's user may not write cmd topics).</summary>
    Refused,

    /// <summary>No answer within the timeout (node offline, dropped, or the answer lost).</summary>
    NoAnswer,
}
