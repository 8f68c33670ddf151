using CityBrain.Drivers.I2c.Chips;

namespace CityBrain.Testing.I2c;

/// <summary>
/// A Sensirion chip (SHT3x, SHT4x, SCD4x): commands of one or two bytes; a read returns the response of the last
/// measurement command as 16-bit words each followed by its CRC-8. <see cref="CorruptNext"/> flips a CRC.
/// </summary>
public sealed class SimulatedSensirionChip(int address, Func<byte[], ushort[]?> respond) : SimulatedChip(address)
{
    private byte[] _response = [];

    public List<string> Commands { get; } = [];

    /// <summary>The next this-many responses carry a wrong CRC on their first word.</summary>
    public int CorruptNext { get; set; }

    protected override void Transfer(byte[] written, byte[] read)
    {
        if (written.Length > 0)
        {
            Commands.Add(Convert.ToHexString(written));
            if (respond(written) is { } words)
            {
                _response = new byte[words.Length * 3];
                for (int i = 0; i < words.Length; i++)
                {
                    byte msb = (byte)(words[i] >> 8), lsb = (byte)words[i];
                    _response[3 * i] = msb;
                    _response[(3 * i) + 1] = lsb;
                    _response[(3 * i) + 2] = SensirionCrc.Compute(msb, lsb);
                }

                if (CorruptNext > 0)
                {
                    CorruptNext--;
                    _response[2] ^= 0x5A;
                }
            }
        }

        _response.AsSpan(0, Math.Min(read.Length, _response.Length)).CopyTo(read);
    }
}
