namespace CityBrain.Sensing;

/// <summary>
/// One measured value, born in a driver with the time it was read and never re-modelled on its way to the hub.
/// </summary>
/// <param name="Sensor">The sensor's id, unique within its node (e.g. <c>bin-07</c>, <c>weather-1</c>).</param>
/// <param name="Quantity">What was measured, snake_case from the quantity catalogue (e.g. <c>pm2_5</c>, <c>fill_level</c>).</param>
/// <param name="Value">The value in <paramref name="Unit"/>; always finite.</param>
/// <param name="Unit">The unit symbol (e.g. <c>%</c>, <c>ug/m3</c>, <c>dB(A)</c>, <c>count</c>).</param>
/// <param name="Timestamp">When the value was read at the source (UTC). The contract carries millisecond precision.</param>
/// <param name="Quality">How far the value can be trusted.</param>
public readonly record struct Reading(
    string Sensor,
    string Quantity,
    double Value,
    string Unit,
    DateTimeOffset Timestamp,
    Quality Quality = Quality.Good)
{
    /// <summary>The source timestamp as Unix milliseconds, the precision of every contract.</summary>
    public long TimestampMs => Timestamp.ToUnixTimeMilliseconds();

    /// <summary>A copy with the timestamp truncated to whole milliseconds, as it travels on the wire.</summary>
    public Reading TruncatedToMilliseconds() =>
        this with { Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(Timestamp.ToUnixTimeMilliseconds()) };
}
