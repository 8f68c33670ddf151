namespace CityBrain.Drivers.I2c;

/// <summary>
/// Which addresses answer on a bus (what <c>i2cdetect -r</c> shows): a one-byte read at each address; an ACK is a
/// device. The technicians' <c>citybrain scan</c> uses it. Hold the bus's lock while scanning a bus the node also polls.
/// </summary>
public static class I2cScan
{
    /// <summary>The first and last address scanned by default: 0x00–0x07 and 0x78–0x7F are reserved by the I2C specification.</summary>
    public const int FirstAddress = 0x08;
    public const int LastAddress = 0x77;

    /// <summary>The addresses in [<paramref name="first"/>, <paramref name="last"/>] that acknowledged a read, in order.</summary>
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
            catch (IOException ex) when (!ex.Message.Contains("Can not open I2C device file", StringComparison.Ordinal))
            {
                // No acknowledge: nobody at this address.
            }
        }

        return found;
    }
}
