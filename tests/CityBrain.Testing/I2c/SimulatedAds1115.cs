using System.Buffers.Binary;

namespace CityBrain.Testing.I2c;

/// <summary>
/// An ADS1115: 16-bit registers behind a pointer (0 conversion, 1 config, 2/3 thresholds), big-endian. A config write with
/// OS=1 converts at once: the conversion register takes <see cref="Raw"/> for the selected MUX; the config reads back
/// with OS=1 (not busy).
/// </summary>
public sealed class SimulatedAds1115(int address = 0x48) : SimulatedChip(address)
{
    private readonly ushort[] _registers = [0, 0x8583, 0x8000, 0x7FFF];
    private byte _pointer;

    /// <summary>The conversion result by MUX setting (0–3 differential, 4–7 single-ended).</summary>
    public short[] Raw { get; } = new short[8];

    public int LastMux => (_registers[1] >> 12) & 0x7;

    public int LastPga => (_registers[1] >> 9) & 0x7;

    protected override void Transfer(byte[] written, byte[] read)
    {
        if (written.Length > 0)
        {
            _pointer = (byte)(written[0] & 0x3);
            if (written.Length >= 3)
            {
                ushort value = BinaryPrimitives.ReadUInt16BigEndian(written.AsSpan(1));
                _registers[_pointer] = value;
                if (_pointer == 1 && (value & 0x8000) != 0)
                {
                    _registers[0] = (ushort)Raw[(value >> 12) & 0x7];
                }
            }
        }

        if (read.Length >= 2)
        {
            ushort value = _pointer == 1 ? (ushort)(_registers[1] | 0x8000) : _registers[_pointer];
            BinaryPrimitives.WriteUInt16BigEndian(read, value);
        }
    }
}
