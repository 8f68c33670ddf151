using System.Device.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// Sensirion SCD4x (SCD40/41): CO2, air temperature, relative humidity from its periodic measurement (one every 5 s).
/// The binding's <c>Scd4x</c> resets the chip (stop, reinit); the measurement commands are sent here because 4.2.0's
/// <c>ReadPeriodicMeasurement</c> sleeps up to 5 s (and polls up to 6 s) inside the call — holding the bus from every
/// other chip — and scales by 2¹⁶−1 where the datasheet says 2¹⁶. A poll before the next measurement is ready gives
/// <c>not_ready</c>, never the last one again.
/// </summary>
internal sealed class Scd4xChip : II2cChip
{
    private static readonly QuantityInfo[] Channels =
    [
        new(Catalogue.Co2, Catalogue.PartsPerMillion),
        new(Catalogue.AirTemperature, Catalogue.DegreesCelsius),
        new(Catalogue.RelativeHumidity, Catalogue.Percent),
    ];

    private readonly I2cDevice _device;
    private readonly Iot.Device.Scd4x.Scd4x _binding;

    public Scd4xChip(I2cDevice device)
    {
        _device = device;
        _binding = new Iot.Device.Scd4x.Scd4x(device); // stop_periodic_measurement + reinit (520 ms, once)
        _device.Write([0x21, 0xB1]); // start_periodic_measurement
    }

    public IReadOnlyList<QuantityInfo> Quantities => Channels;

    public void Read(Span<double> values)
    {
        Span<byte> response = stackalloc byte[9];
        _device.Write([0xE4, 0xB8]); // get_data_ready_status
        Thread.Sleep(1);
        _device.Read(response[..3]);
        if ((SensirionCrc.Word(response, 0, "scd4x data-ready status") & 0x07FF) == 0)
        {
            throw ChipFaultException.NotReady("scd4x: no new measurement since the last read (one every 5 s)");
        }

        _device.Write([0xEC, 0x05]); // read_measurement
        Thread.Sleep(1);
        _device.Read(response);
        values[0] = SensirionCrc.Word(response, 0, "scd4x co2");
        values[1] = Convert.Temperature(SensirionCrc.Word(response, 3, "scd4x temperature"));
        values[2] = Convert.Humidity(SensirionCrc.Word(response, 6, "scd4x humidity"));
    }

    public void Dispose() => _binding.Dispose();

    /// <summary>The datasheet's conversions (SCD4x section 3.6.2): T = −45 + 175·S/2¹⁶, RH = 100·S/2¹⁶.</summary>
    internal static class Convert
    {
        public static double Temperature(ushort raw) => -45.0 + (175.0 * raw / 65536.0);

        public static double Humidity(ushort raw) => 100.0 * raw / 65536.0;
    }
}
