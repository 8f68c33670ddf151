namespace CityBrain.Sensing.Drivers;

/// <summary>The fields every bus entry has, whatever its kind, and where the entry is in its file.</summary>
/// <param name="Id">The bus id sensors refer to.</param>
/// <param name="Kind">The registered bus kind (<c>modbus-rtu</c>, <c>i2c</c>, …).</param>
/// <param name="Path">JSON pointer of the entry (<c>/buses/0</c>), for errors.</param>
public sealed record BusSpec(string Id, string Kind, string Path);
