using CityBrain.Hub.Configuration;

namespace CityBrain.Hub.Sinks;

/// <summary>Creates the sink a <see cref="SinkOptions"/> describes.</summary>
public static class PointSinkFactory
{
    public static IPointSink Create(SinkOptions options) => options.Kind switch
    {
        SinkOptions.InfluxV1 => new InfluxV1LineProtocolSink(options),
        SinkOptions.InfluxV2 when options.Client == SinkOptions.InfluxDbClient => new InfluxV2ClientSink(options),
        SinkOptions.InfluxV2 => InfluxV1LineProtocolSink.ForV2(options),
        _ => throw new ArgumentException($"sink kind '{options.Kind}' is unknown (use {SinkOptions.InfluxV1} or {SinkOptions.InfluxV2})", nameof(options)),
    };
}
