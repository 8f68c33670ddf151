using System.Device.I2c;
using CityBrain.Sensing;
using Iot.Device.Bh1750fvi;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// ROHM BH1750FVI: illuminance through the binding's <c>Bh1750fvi</c> in continuous high-resolution mode
/// (lx = raw / 1.2, datasheet p.10). A saturated reading (raw 0xFFFF, about 54 612 lx: direct sun) is <c>out_of_range</c>.
/// </summary>
internal sealed class Bh1750Chip(I2cDevice device) : II2cChip
{
    private const double SaturatedLux = 65535 / 1.2;
    private static readonly QuantityInfo[] Channels = [new(Catalogue.Illuminance, Catalogue.Lux)];
    private readonly Bh1750fvi _binding = new(device, MeasuringMode.ContinuouslyHighResolutionMode);

    public IReadOnlyList<QuantityInfo> Quantities => Channels;

    public void Read(Span<double> values)
    {
        double lux = (double)_binding.Illuminance.Value; // made with FromLux
        if (lux >= SaturatedLux - 0.01)
        {
            throw ChipFaultException.OutOfRange("bh1750: saturated (raw 0xFFFF): more light than the chip measures");
        }

        values[0] = lux;
    }

    public void Dispose() => _binding.Dispose();
}
