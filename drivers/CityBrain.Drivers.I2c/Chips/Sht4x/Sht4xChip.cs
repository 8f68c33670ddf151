using System.Device.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// Sensirion SHT4x (SHT40/41/45): air temperature and relative humidity through the binding's <c>Sht4x</c>, whose
/// 4.2.0 conversions match the datasheet (T = −45 + 175·S/65535, RH = −6 + 125·S/65535 clipped to 0..100) and which
/// returns null for a word whose CRC fails: that is a <c>crc</c> fault here, not the previous value.
/// </summary>
internal sealed class Sht4xChip(I2cDevice device) : II2cChip
{
    private static readonly QuantityInfo[] Channels = [new(Catalogue.AirTemperature, Catalogue.DegreesCelsius), new(Catalogue.RelativeHumidity, Catalogue.Percent)];
    private readonly Iot.Device.Sht4x.Sht4x _binding = new(device);

    public IReadOnlyList<QuantityInfo> Quantities => Channels;

    public void Read(Span<double> values)
    {
        var (humidity, temperature) = _binding.ReadHumidityAndTemperature(Iot.Device.Sht4x.Sht4xRepeatability.High);
        if (temperature is not { } t || humidity is not { } h)
        {
            throw ChipFaultException.Crc("sht4x measurement");
        }

        values[0] = (double)t.Value; // FromDegreesCelsius, FromPercent: .Value is in that unit (no UnitsNet conversion)
        values[1] = (double)h.Value;
    }

    public void Dispose() => _binding.Dispose();
}
