using System.Globalization;

namespace CityBrain.Drivers.I2c;

/// <summary>Where one I2C sensor's chip is and how hard to try: the facts a fault names.</summary>
/// <param name="SensorId">The sensor's id.</param>
/// <param name="Chip">The chip kind (<c>bme280</c>).</param>
/// <param name="BusId">The bus entry's id (<c>i2c-1</c>).</param>
/// <param name="BusNumber">The adapter number (/dev/i2c-N).</param>
/// <param name="Address">The 7-bit address.</param>
/// <param name="Retries">Extra attempts after a transient failure within one poll.</param>
/// <param name="LockTimeout">How long a poll waits for the bus.</param>
internal sealed record I2cChipTarget(string SensorId, string Chip, string BusId, int BusNumber, int Address, int Retries, TimeSpan LockTimeout)
{
    /// <summary>How faults name the chip: <c>bme280 at 0x76 on i2c-1 (/dev/i2c-1)</c>.</summary>
    public string Where { get; } = string.Create(CultureInfo.InvariantCulture, $"{Chip} at 0x{Address:x2} on {BusId} (/dev/i2c-{BusNumber})");
}
