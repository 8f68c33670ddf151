namespace CityBrain.Drivers.Serial;

/// <summary>One particulate-matter measurement in µg/m³ (<c>pm1_0</c>, <c>pm2_5</c>, <c>pm10</c>; PM1.0 only from sensors that report it).</summary>
public readonly record struct PmSample(double? Pm1, double Pm25, double Pm10);
