namespace CityBrain.Hub.Health;

/// <summary>
/// A node's overall status as operators see it: <c>online</c> (green), <c>stale</c> (amber: silent, or a sensor is
/// stale), <c>fault</c> (red: a sensor reports a fault), <c>offline</c> (red: status offline or its Will),
/// <c>unknown</c> (seen only through telemetry, no status yet).
/// </summary>
public static class NodeStatus
{
    public const string Online = "online";
    public const string Stale = "stale";
    public const string Fault = "fault";
    public const string Offline = "offline";
    public const string Unknown = "unknown";
}
