namespace CityBrain.Sensing;

/// <summary>A channel a sensor reports: quantity name and unit (e.g. <c>pm2_5</c> in <c>ug/m3</c>).</summary>
public sealed record QuantityInfo(string Quantity, string Unit);
