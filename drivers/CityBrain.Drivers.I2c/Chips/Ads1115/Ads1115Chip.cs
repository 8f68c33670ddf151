using System.Device.I2c;
using CityBrain.Sensing;
using Iot.Device.Ads1115;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// TI ADS1115 16-bit ADC for analog sensors: a 4–20 mA loop across a shunt (water level), or a voltage output (gas,
/// noise), mapped by a calibration curve from configuration. Single-shot conversions through the binding
/// (LSB = FS/2¹⁵, datasheet table 3; 4.2.0 scales single-ended and differential inputs alike, which is right). A clipped
/// conversion (0x7FFF / 0x8000) and a loop current outside NAMUR NE 43's 3.6–21 mA (a broken wire, a failed transmitter)
/// are <c>out_of_range</c>.
/// </summary>
internal sealed class Ads1115Chip : II2cChip
{
    private readonly Ads1115 _binding;
    private readonly Ads1115Settings _settings;
    private readonly QuantityInfo[] _channels;

    public Ads1115Chip(I2cDevice device, Ads1115Settings settings)
    {
        _settings = settings;
        _binding = new Ads1115(device, settings.Channel, settings.Range, DataRate.SPS128, DeviceMode.PowerDown);
        _channels = [.. ChannelsOf(settings)];
    }

    public IReadOnlyList<QuantityInfo> Quantities => _channels;

    public static IEnumerable<QuantityInfo> ChannelsOf(Ads1115Settings settings)
    {
        yield return settings.ShuntOhms is null ? new(Catalogue.Voltage, Catalogue.Volt) : new(Catalogue.Current, Catalogue.Milliampere);
        if (settings.Mapped is { } mapped)
        {
            yield return mapped;
        }
    }

    public void Read(Span<double> values)
    {
        short raw = _binding.ReadRaw();
        if (raw is short.MaxValue or short.MinValue)
        {
            throw ChipFaultException.OutOfRange($"ads1115: the input is beyond the ±{(double)_binding.MaxVoltageFromMeasuringRange(_settings.Range).Value} V range (raw 0x{(ushort)raw:X4}): choose a larger fullScaleV");
        }

        double volts = (double)_binding.RawToVoltage(raw).Value; // made with FromVolts: .Value is volts (no UnitsNet conversion, see README)
        double input = volts;
        if (_settings.ShuntOhms is { } shunt)
        {
            input = volts / shunt * 1000.0;
            if (input is < 3.6 or > 21.0)
            {
                throw ChipFaultException.OutOfRange($"ads1115: loop current {input:0.00} mA is outside 3.6–21 mA (NAMUR NE 43): broken loop or failed transmitter");
            }
        }

        values[0] = input;
        if (_settings.Curve is { } curve)
        {
            values[1] = curve.Map(input);
        }
    }

    public void Dispose() => _binding.Dispose();
}
