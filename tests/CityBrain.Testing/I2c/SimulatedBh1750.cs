namespace CityBrain.Testing.I2c;

/// <summary>A BH1750FVI: one-byte opcodes (power on 0x01, reset 0x07, modes 0x10…, MTreg 0x40/0x60), a 2-byte big-endian read of the last measurement.</summary>
public sealed class SimulatedBh1750(int address = 0x23) : SimulatedChip(address)
{
    public ushort Raw { get; set; }

    public List<byte> Opcodes { get; } = [];

    protected override void Transfer(byte[] written, byte[] read)
    {
        Opcodes.AddRange(written);
        if (read.Length == 2)
        {
            read[0] = (byte)(Raw >> 8);
            read[1] = (byte)Raw;
        }
    }
}
