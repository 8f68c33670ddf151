namespace CityBrain.Testing.I2c;

/// <summary>
/// DFRobot's HX711 I2C board (KIT0176), command style: the first byte written selects what the next read returns —
/// 0x66: a ready flag 0x12 and the HX711's 24-bit two's complement output; 0x67: the board's calibration (float);
/// 0x69: the button flags (none pressed). Other commands (init, thresholds) are accepted.
/// </summary>
public sealed class SimulatedHx711Board(int address = 0x64) : SimulatedChip(address)
{
    private byte _command;

    /// <summary>The HX711's output (24-bit two's complement).</summary>
    public int Output { get; set; }

    /// <summary>False: the board never flags a sample ready.</summary>
    public bool Ready { get; set; } = true;

    protected override void Transfer(byte[] written, byte[] read)
    {
        if (written.Length > 0)
        {
            _command = written[0];
        }

        byte[] response = _command switch
        {
            0x66 => [Ready ? (byte)0x12 : (byte)0x00, (byte)(Output >> 16), (byte)(Output >> 8), (byte)Output],
            0x67 => BitConverter.GetBytes(2236.0f).Reverse().ToArray(),
            _ => [0, 0, 0, 0],
        };
        response.AsSpan(0, Math.Min(read.Length, response.Length)).CopyTo(read);
    }
}
