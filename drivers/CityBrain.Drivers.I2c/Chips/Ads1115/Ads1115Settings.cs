using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>What an ADS1115 sensor measures: channel, range, signal kind and the curve to the reported quantity.</summary>
/// <param name="Channel">The binding's multiplexer setting.</param>
/// <param name="Range">The binding's full-scale range.</param>
/// <param name="ShuntOhms">For a current loop, the shunt; null for a voltage signal.</param>
/// <param name="Mapped">The quantity the curve maps to; null to report the input only.</param>
/// <param name="Curve">The curve from input (mA or V) to <paramref name="Mapped"/>.</param>
internal sealed record Ads1115Settings(
    Iot.Device.Ads1115.InputMultiplexer Channel,
    Iot.Device.Ads1115.MeasuringRange Range,
    double? ShuntOhms,
    QuantityInfo? Mapped,
    CalibrationCurve? Curve)
{
    /// <summary>The multiplexer setting named <paramref name="channel"/> in the configuration, if it is one.</summary>
    public static Iot.Device.Ads1115.InputMultiplexer? ParseChannel(string channel) => channel switch
    {
        "ain0" => Iot.Device.Ads1115.InputMultiplexer.AIN0,
        "ain1" => Iot.Device.Ads1115.InputMultiplexer.AIN1,
        "ain2" => Iot.Device.Ads1115.InputMultiplexer.AIN2,
        "ain3" => Iot.Device.Ads1115.InputMultiplexer.AIN3,
        "ain0-ain1" => Iot.Device.Ads1115.InputMultiplexer.AIN0_AIN1,
        "ain0-ain3" => Iot.Device.Ads1115.InputMultiplexer.AIN0_AIN3,
        "ain1-ain3" => Iot.Device.Ads1115.InputMultiplexer.AIN1_AIN3,
        "ain2-ain3" => Iot.Device.Ads1115.InputMultiplexer.AIN2_AIN3,
        _ => null,
    };

    /// <summary>The range whose full scale is <paramref name="volts"/>, if it is one of the chip's six.</summary>
    public static Iot.Device.Ads1115.MeasuringRange? ParseRange(double volts) => volts switch
    {
        6.144 => Iot.Device.Ads1115.MeasuringRange.FS6144,
        4.096 => Iot.Device.Ads1115.MeasuringRange.FS4096,
        2.048 => Iot.Device.Ads1115.MeasuringRange.FS2048,
        1.024 => Iot.Device.Ads1115.MeasuringRange.FS1024,
        0.512 => Iot.Device.Ads1115.MeasuringRange.FS0512,
        0.256 => Iot.Device.Ads1115.MeasuringRange.FS0256,
        _ => null,
    };
}
