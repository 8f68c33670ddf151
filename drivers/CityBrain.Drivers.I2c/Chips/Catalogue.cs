namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// Quantity names and units the I2C chips report, from the catalogue in docs/mqtt-contract.md. Names not in the v1
/// catalogue yet (marked "new") are proposed for it: air_pressure hPa, distance m, co2 ppm, illuminance lx, current mA,
/// voltage V.
/// </summary>
internal static class Catalogue
{
    public const string AirTemperature = "air_temperature";
    public const string RelativeHumidity = "relative_humidity";
    public const string AirPressure = "air_pressure"; // new
    public const string Distance = "distance"; // new
    public const string FillLevel = "fill_level";
    public const string Weight = "weight";
    public const string Co2 = "co2"; // new
    public const string Illuminance = "illuminance"; // new
    public const string Current = "current_4_20"; // a 4–20 mA loop's current (the catalogue's "current" is an RMS current in A)
    public const string Voltage = "voltage"; // new: an analog output's voltage

    public const string DegreesCelsius = "degC";
    public const string Percent = "%";
    public const string Hectopascal = "hPa";
    public const string Metre = "m";
    public const string Kilogram = "kg";
    public const string PartsPerMillion = "ppm";
    public const string Lux = "lx";
    public const string Milliampere = "mA";
    public const string Volt = "V";
}
