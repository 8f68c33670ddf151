using CityBrain.Hub.Configuration;

namespace CityBrain.Hub.Sinks;

/// <summary>Creates the sink a <see cref="SinkOptions"/> describes.</summary>
public static class PointSinkFactory
{
    public static IPointSink Create(SinkOptions options) => options.Kind switch
    {
        SinkOptions.InfluxV1 => new InfluxV1LineProtocolSink(options),
        SinkOptions.InfluxV2 when options.Client == SinkOptions.InfluxDbClient => CreateClientSink(options),
        SinkOptions.InfluxV2 => InfluxV1LineProtocolSink.ForV2(options),
        _ => throw new ArgumentException($"sink kind '{options.Kind}' is unknown (use {SinkOptions.InfluxV1} or {SinkOptions.InfluxV2})", nameof(options)),
    };

    // Behind the feature switch so that the NativeAOT build does not compile InfluxDB.Client in (the validator has
    // already refused the setting there; this is the backstop).
    private static InfluxV2ClientSink CreateClientSink(SinkOptions options) => HubFeatures.InfluxDbClientSupported
        ? new InfluxV2ClientSink(options)
        : throw new NotSupportedException(HubOptionsValidator.InfluxDbClientNotInBuild(options.DisplayName));
}
