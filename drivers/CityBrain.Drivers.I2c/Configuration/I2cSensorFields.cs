namespace CityBrain.Drivers.I2c;

/// <summary>
/// An I2C sensor's fields in the node configuration (<c>{"driver": "i2c", "bus": "i2c-1", "chip": "bme280",
/// "address": 118}</c>); the chip-specific fields are read only for their chip (see each chip's README).
/// </summary>
public sealed record I2cSensorFields
{
    /// <summary>The id of an <c>i2c</c> bus.</summary>
    public string Bus { get; set; } = "";

    /// <summary>One of <see cref="ChipKinds.All"/>.</summary>
    public string Chip { get; set; } = "";

    /// <summary>The 7-bit address; null = the chip's default.</summary>
    public int? Address { get; set; }

    /// <summary>Extra attempts after a transient failure (I/O error, CRC) within one poll; 0..5.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>VL53L0X: distance from the sensor to the bin's floor, in millimetres (an empty bin).</summary>
    public int? BinDepthMm { get; set; }

    /// <summary>HX711: the raw reading with the empty bin (tare).</summary>
    public double? TareRaw { get; set; }

    /// <summary>HX711: raw counts per kilogram (from weighing a known mass).</summary>
    public double? CountsPerKg { get; set; }

    /// <summary>HX711: samples averaged per reading (1..50).</summary>
    public int Samples { get; set; } = 10;

    /// <summary>ADS1115: <c>ain0</c>..<c>ain3</c> (single-ended) or <c>ain0-ain1</c>, <c>ain0-ain3</c>, <c>ain1-ain3</c>, <c>ain2-ain3</c>.</summary>
    public string Channel { get; set; } = "ain0";

    /// <summary>ADS1115: full-scale range in volts (6.144, 4.096, 2.048, 1.024, 0.512, 0.256).</summary>
    public double FullScaleV { get; set; } = 4.096;

    /// <summary>ADS1115: <c>voltage</c> (an analog output) or <c>current</c> (a 4–20 mA loop across <see cref="ShuntOhms"/>).</summary>
    public string Signal { get; set; } = "voltage";

    /// <summary>ADS1115 with <c>current</c>: the shunt resistor the loop current flows through.</summary>
    public double? ShuntOhms { get; set; }

    /// <summary>ADS1115: the catalogue quantity the curve maps to (<c>water_level</c>, <c>odour_gas</c>, <c>noise_laeq</c>); null = the input only.</summary>
    public string? Quantity { get; set; }

    /// <summary>ADS1115: the unit of <see cref="Quantity"/> (<c>m</c>, <c>ppm</c>, <c>dB(A)</c>).</summary>
    public string? Unit { get; set; }

    /// <summary>ADS1115: calibration points <c>[input, value]</c> (input in mA or V), input strictly increasing; linear between points.</summary>
    public IReadOnlyList<double[]>? Curve { get; set; }
}
