namespace CityBrain.Modbus;

/// <summary>A serial line's settings; <see cref="InterFrameSilence"/> follows the t3.5 rule (MB-SER §2.5.1.1).</summary>
public sealed record SerialLineSettings(string PortName, int BaudRate = 19200, SerialParity Parity = SerialParity.Even, int StopBits = 1)
{
    /// <summary>Bits per character on the wire: start + 8 data + parity (or none) + stop bits.</summary>
    public int BitsPerCharacter => 1 + 8 + (Parity == SerialParity.None ? 0 : 1) + StopBits;

    /// <summary>Time of one character at <see cref="BaudRate"/>.</summary>
    public TimeSpan CharacterTime => TimeSpan.FromSeconds((double)BitsPerCharacter / BaudRate);

    /// <summary>t3.5: 3.5 character times, fixed at 1.75 ms above 19200 baud.</summary>
    public TimeSpan InterFrameSilence => BaudRate > 19200 ? TimeSpan.FromMicroseconds(1750) : CharacterTime * 3.5;

    /// <summary>The time <paramref name="bytes"/> take on the wire at this baud rate.</summary>
    public TimeSpan WireTime(int bytes) => CharacterTime * bytes;

    /// <summary>Throws when a setting is outside what a Modbus RTU line supports.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(PortName);
        if (BaudRate is < 300 or > 4_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(BaudRate), BaudRate, "Baud rate must be 300..4000000 (Modbus requires 9600 and 19200).");
        }

        if (StopBits is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(StopBits), StopBits, "Stop bits must be 1 or 2.");
        }
    }
}
