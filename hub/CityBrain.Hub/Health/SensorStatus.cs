namespace CityBrain.Hub.Health;

/// <summary>A sensor's status: <c>ok</c>, <c>stale</c> (silent past its expected interval), <c>fault</c> (health says its last poll failed), <c>idle</c> (never read).</summary>
public static class SensorStatus
{
    public const string Ok = "ok";
    public const string Stale = "stale";
    public const string Fault = "fault";
    public const string Idle = "idle";
}
