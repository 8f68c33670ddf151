namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// The CRC-8 of Sensirion's sensors (SHT3x, SHT4x, SCD4x): polynomial 0x31, init 0xFF, no reflection, no final XOR,
/// over each 16-bit word (datasheet example: CRC(0xBEEF) = 0x92).
/// </summary>
internal static class SensirionCrc
{
    public static byte Compute(byte msb, byte lsb)
    {
        byte crc = 0xFF;
        crc = Step((byte)(crc ^ msb));
        return Step((byte)(crc ^ lsb));

        static byte Step(byte crc)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x31) : (byte)(crc << 1);
            }

            return crc;
        }
    }

    /// <summary>The 16-bit word at <paramref name="offset"/> of a word+CRC response; throws a <c>crc</c> fault when the CRC differs.</summary>
    public static ushort Word(ReadOnlySpan<byte> response, int offset, string what)
    {
        byte msb = response[offset], lsb = response[offset + 1];
        if (Compute(msb, lsb) != response[offset + 2])
        {
            throw ChipFaultException.Crc(what);
        }

        return (ushort)((msb << 8) | lsb);
    }
}
