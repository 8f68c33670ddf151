using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>The chips of the <c>i2c</c> driver, by configuration name; each has a folder here with its README.</summary>
internal static class ChipKinds
{
    private static readonly QuantityInfo[] TemperatureHumidity = [new(Catalogue.AirTemperature, Catalogue.DegreesCelsius), new(Catalogue.RelativeHumidity, Catalogue.Percent)];

    public static readonly IReadOnlyDictionary<string, ChipKind> All = new ChipKind[]
    {
        new("bme280", 0x76, [0x76, 0x77], TimeSpan.Zero, _ => [new(Catalogue.AirTemperature, Catalogue.DegreesCelsius), new(Catalogue.RelativeHumidity, Catalogue.Percent), new(Catalogue.AirPressure, Catalogue.Hectopascal)], (_, d) => new Bme280Chip(d)),
        new("sht3x", 0x44, [0x44, 0x45], TimeSpan.Zero, _ => TemperatureHumidity, (_, d) => new Sht3xChip(d)),
        new("sht4x", 0x44, [0x44, 0x45, 0x46], TimeSpan.Zero, _ => TemperatureHumidity, (_, d) => new Sht4xChip(d)),
        new("scd4x", 0x62, [0x62], TimeSpan.FromSeconds(5), _ => [new(Catalogue.Co2, Catalogue.PartsPerMillion), new(Catalogue.AirTemperature, Catalogue.DegreesCelsius), new(Catalogue.RelativeHumidity, Catalogue.Percent)], (_, d) => new Scd4xChip(d)),
        new("bh1750", 0x23, [0x23, 0x5C], TimeSpan.FromMilliseconds(200), _ => [new(Catalogue.Illuminance, Catalogue.Lux)], (_, d) => new Bh1750Chip(d)),
        new("vl53l0x", 0x29, [.. Enumerable.Range(0x08, 0x70)], TimeSpan.Zero, _ => [new(Catalogue.Distance, Catalogue.Metre), new(Catalogue.FillLevel, Catalogue.Percent)], (f, d) => new Vl53l0xChip(d, f.BinDepthMm!.Value)),
        new("hx711", 0x64, [0x64, 0x65, 0x66, 0x67], TimeSpan.Zero, _ => [new(Catalogue.Weight, Catalogue.Kilogram)], (f, d) => new Hx711Chip(d, f.TareRaw!.Value, f.CountsPerKg!.Value, f.Samples)),
        new("ads1115", 0x48, [0x48, 0x49, 0x4A, 0x4B], TimeSpan.Zero, f => [.. Ads1115Chip.ChannelsOf(Ads1115SettingsOf(f))], (f, d) => new Ads1115Chip(d, Ads1115SettingsOf(f))),
    }.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>The ADS1115 settings of checked fields.</summary>
    public static Ads1115Settings Ads1115SettingsOf(I2cSensorFields f) => new(
        Ads1115Settings.ParseChannel(f.Channel)!.Value,
        Ads1115Settings.ParseRange(f.FullScaleV)!.Value,
        f.Signal == "current" ? f.ShuntOhms : null,
        f.Quantity is { } q ? new QuantityInfo(q, f.Unit!) : null,
        f.Quantity is null || f.Curve is null ? null : new CalibrationCurve(f.Curve));
}
