using System.Device.I2c;
using CityBrain.Sensing;
using Iot.Device.Vl53L0X;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// ST VL53L0X time-of-flight ranger mounted under a bin's lid: distance to the contents and fill level
/// (100 % · (depth − distance) / depth, clipped to 0..100). Single measurements through the binding's
/// <c>DistanceSingleMeasurement</c>, not <c>GetDistanceOnce</c>, which in 4.2.0 turns an I/O error (a lost chip) into
/// 8190 mm, i.e. "nothing in range". 8190/8191 (no target within about 2 m) is <c>out_of_range</c>.
/// </summary>
internal sealed class Vl53l0xChip : II2cChip
{
    private const int NoTarget = 8190;
    private static readonly QuantityInfo[] Channels = [new(Catalogue.Distance, Catalogue.Metre), new(Catalogue.FillLevel, Catalogue.Percent)];
    private readonly Vl53L0X _binding;
    private readonly int _binDepthMm;

    public Vl53l0xChip(I2cDevice device, int binDepthMm)
    {
        _binDepthMm = binDepthMm;
        _binding = new Vl53L0X(device, operationTimeoutMilliseconds: 200);
    }

    public IReadOnlyList<QuantityInfo> Quantities => Channels;

    public void Read(Span<double> values)
    {
        int mm = _binding.DistanceSingleMeasurement;
        if (mm >= NoTarget)
        {
            throw ChipFaultException.OutOfRange($"vl53l0x: no target in range (raw {mm}): the lid is open or the sensor is blocked or dirty");
        }

        values[0] = mm / 1000.0;
        values[1] = FillLevel(mm, _binDepthMm);
    }

    /// <summary>Fill level in % of a bin <paramref name="depthMm"/> deep, seen <paramref name="distanceMm"/> above its contents.</summary>
    public static double FillLevel(int distanceMm, int depthMm) => Math.Clamp(100.0 * (depthMm - distanceMm) / depthMm, 0.0, 100.0);

    public void Dispose() => _binding.Dispose();
}
