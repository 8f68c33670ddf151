using System.Diagnostics.CodeAnalysis;

namespace CityBrain.Hub;

/// <summary>
/// Feature switches of the hub. The NativeAOT build of citybrain-hub turns <see cref="InfluxDbClientSupported"/> off
/// (hub/CityBrain.Hub.Service/CityBrain.Hub.Service.csproj), so the compiler drops InfluxDB.Client (reflection-based
/// JSON through Newtonsoft and RestSharp, not trim/AOT safe) from the binary; the JIT build keeps it.
/// </summary>
public static class HubFeatures
{
    /// <summary>AppContext switch name of <see cref="InfluxDbClientSupported"/>.</summary>
    public const string InfluxDbClientSwitch = "CityBrain.Hub.InfluxDbClient.IsSupported";

    /// <summary>
    /// Whether the <c>influxdb-client</c> influx-v2 sink (<see cref="Sinks.InfluxV2ClientSink"/>) is in this build. When
    /// false, <see cref="Configuration.HubOptionsValidator"/> refuses <c>Hub:Sinks:N:Client = "influxdb-client"</c>.
    /// </summary>
    [FeatureSwitchDefinition(InfluxDbClientSwitch)]
    public static bool InfluxDbClientSupported => !AppContext.TryGetSwitch(InfluxDbClientSwitch, out bool on) || on;
}
