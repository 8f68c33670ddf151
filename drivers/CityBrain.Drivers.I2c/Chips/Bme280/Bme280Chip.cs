using System.Device.I2c;
using CityBrain.Sensing;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.PowerMode;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// Bosch BME280: air temperature, relative humidity, air pressure. Every read is a forced-mode measurement started here
/// and waited for (status bit "measuring"), so the data registers cannot hold a frozen old conversion; a chip that never
/// measured since reset (raw 0x80000) gives <c>not_ready</c>, and values outside the chip's operating range give
/// <c>out_of_range</c>.
/// </summary>
internal sealed class Bme280Chip : II2cChip
{
    private static readonly QuantityInfo[] Channels =
    [
        new(Catalogue.AirTemperature, Catalogue.DegreesCelsius),
        new(Catalogue.RelativeHumidity, Catalogue.Percent),
        new(Catalogue.AirPressure, Catalogue.Hectopascal),
    ];

    private readonly PatchedBme280 _bme;

    public Bme280Chip(I2cDevice device)
    {
        _bme = new PatchedBme280(device); // checks the chip id (0x60), reads calibration, soft reset
        _bme.TemperatureSampling = Sampling.UltraLowPower; // ×1 each: the weather-monitoring setting (datasheet 3.5.1)
        _bme.PressureSampling = Sampling.UltraLowPower;
        _bme.HumiditySampling = Sampling.UltraLowPower;
        _bme.SetPowerMode(Bmx280PowerMode.Sleep);
    }

    public IReadOnlyList<QuantityInfo> Quantities => Channels;

    public void Read(Span<double> values)
    {
        _bme.SetPowerMode(Bmx280PowerMode.Forced);
        Thread.Sleep(10); // ×1/×1/×1: at most 9.3 ms (datasheet 9.1)
        for (int i = 0; _bme.ReadStatus().Measuring; i++)
        {
            if (i == 10)
            {
                throw new TimeoutException("the forced measurement did not finish within 60 ms");
            }

            Thread.Sleep(5);
        }

        if (_bme.RawTemperature() == 0x80000 || _bme.RawHumidity() == 0x8000)
        {
            throw ChipFaultException.NotReady("bme280: the data registers hold their reset value (no measurement)");
        }

        if (!_bme.TryReadTemperature(out var temperature) || !_bme.TryReadPressure(out var pressure) || !_bme.TryReadHumidity(out var humidity))
        {
            throw ChipFaultException.NotReady("bme280: a channel is skipped");
        }

        // The binding makes these with FromDegreesCelsius, FromPercent, FromPascals: .Value is in that unit, and no UnitsNet
        // conversion (reflection-heavy, trim warnings in NativeAOT) is reached.
        values[0] = (double)temperature.Value;
        values[1] = _bme.HumidityNeedsPatch ? _bme.CompensateHumidity(_bme.RawHumidity()) : (double)humidity.Value;
        values[2] = (double)pressure.Value / 100.0;
        if (values[0] is < -40 or > 85 || values[2] is < 300 or > 1100)
        {
            throw ChipFaultException.OutOfRange($"bme280: {values[0]:0.00} degC / {values[2]:0.00} hPa is outside the chip's range (-40..85 degC, 300..1100 hPa)");
        }
    }

    public void Dispose() => _bme.Dispose();
}
