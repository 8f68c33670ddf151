using CityBrain.Drivers.I2c.Chips;

namespace CityBrain.Drivers.I2c;

/// <summary>
/// Which addresses answer on a bus (what <c>i2cdetect -r</c> shows): a one-byte read at each address; an ACK is a
/// device. The technicians' <c>citybrain scan --i2c N</c> uses it. Hold the bus's lock while scanning a bus the node also polls.
/// </summary>
public static class I2cScan
{
    /// <summary>The first and last address scanned by default: 0x00–0x07 and 0x78–0x7F are reserved by the I2C specification.</summary>
    public const int FirstAddress = 0x08;
    public const int LastAddress = 0x77;

    /// <summary>
    /// A chip whose address list is longer than this has its address set in software (the VL53L0X: any address), so it is
    /// only "likely" at its power-on default; the others are strapped by pins to one of a few addresses.
    /// </summary>
    private const int MaxStrapAddresses = 8;

    /// <summary>The addresses in [<paramref name="first"/>, <paramref name="last"/>] that acknowledged a read, in order.</summary>
    /// <exception cref="IOException">The bus cannot be opened (no <c>/dev/i2c-N</c>, or no permission): the message says which.</exception>
    public static IReadOnlyList<int> Run(II2cDeviceFactory factory, int busNumber, int first = FirstAddress, int last = LastAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, 0x7F);
        var found = new List<int>();
        for (int address = first; address <= last; address++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var device = factory.Open(busNumber, address);
            try
            {
                _ = device.ReadByte();
                found.Add(address);
            }
            catch (IOException ex) when (!I2cErrors.IsUnopenableBus(ex))
            {
                // No acknowledge: nobody at this address.
            }
        }

        return found;
    }

    /// <summary>
    /// The chips of the <c>i2c</c> driver (their <c>chip</c> names) that answer at <paramref name="address"/>: those whose
    /// default address it is first, then those that can be strapped to it. An address tells chips apart only so far
    /// (an SHT3x and an SHT4x both sit at 0x44); empty when no known chip uses the address.
    /// </summary>
    public static IReadOnlyList<string> LikelyChips(int address) =>
    [
        .. ChipKinds.All.Values.Where(k => k.DefaultAddress == address).Select(k => k.Name),
        .. ChipKinds.All.Values.Where(k => k.DefaultAddress != address && k.Addresses.Length <= MaxStrapAddresses && k.Addresses.Contains(address)).Select(k => k.Name),
    ];
}
