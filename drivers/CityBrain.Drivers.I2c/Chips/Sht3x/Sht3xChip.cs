using System.Device.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// Sensirion SHT3x (SHT30/31/35): air temperature and relative humidity. The binding's <c>Sht3x</c> resets the chip;
/// the measurement is read here because 4.2.0's <c>Temperature</c>/<c>Humidity</c> keep the previous values when a CRC
/// fails (a stale value presented as new) and round to 0.1.
/// </summary>
internal sealed class Sht3xChip : II2cChip
{
    private static readonly QuantityInfo[] Channels = [new(Catalogue.AirTemperature, Catalogue.DegreesCelsius), new(Catalogue.RelativeHumidity, Catalogue.Percent)];
    private readonly I2cDevice _device;
    private readonly Iot.Device.Sht3x.Sht3x _binding;

    public Sht3xChip(I2cDevice device)
    {
        _device = device;
        _binding = new Iot.Device.Sht3x.Sht3x(device, Iot.Device.Sht3x.Resolution.High); // soft reset (0x30A2)
    }

    public IReadOnlyList<QuantityInfo> Quantities => Channels;

    public void Read(Span<double> values)
    {
        // Single shot, high repeatability, no clock stretching (0x2400); at most 15.5 ms (datasheet table 4).
        Span<byte> command = [0x24, 0x00];
        Span<byte> response = stackalloc byte[6];
        _device.Write(command);
        Thread.Sleep(16);
        _device.Read(response);
        ushort t = SensirionCrc.Word(response, 0, "sht3x temperature");
        ushort rh = SensirionCrc.Word(response, 3, "sht3x humidity");
        values[0] = Convert.Temperature(t);
        values[1] = Convert.Humidity(rh);
    }

    public void Dispose() => _binding.Dispose();

    /// <summary>The datasheet's conversions (SHT3x-DIS section 4.13): T = −45 + 175·S/(2¹⁶−1), RH = 100·S/(2¹⁶−1).</summary>
    internal static class Convert
    {
        public static double Temperature(ushort raw) => -45.0 + (175.0 * raw / 65535.0);

        public static double Humidity(ushort raw) => 100.0 * raw / 65535.0;
    }
}
