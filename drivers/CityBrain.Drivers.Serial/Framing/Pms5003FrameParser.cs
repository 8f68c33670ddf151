using System.Buffers.Binary;

namespace CityBrain.Drivers.Serial;

/// <summary>
/// Plantower PMS5003 frames (datasheet appendix I): 32 bytes <c>42 4D</c>, frame length 28, thirteen 16-bit data words,
/// a 16-bit checksum = sum of bytes 0..29. Reports the "atmospheric environment" concentrations (data 4–6), the ones
/// meant for ambient air; data 1–3 are the CF=1 factory-calibration values.
/// </summary>
public sealed class Pms5003FrameParser() : PmFrameParser(32, [0x42, 0x4D])
{
    protected override bool TryDecode(ReadOnlySpan<byte> frame, out PmSample sample)
    {
        sample = default;
        int sum = 0;
        for (int i = 0; i < 30; i++)
        {
            sum += frame[i];
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(frame[2..]) != 28 || BinaryPrimitives.ReadUInt16BigEndian(frame[30..]) != sum)
        {
            return false;
        }

        sample = new PmSample(
            BinaryPrimitives.ReadUInt16BigEndian(frame[10..]),
            BinaryPrimitives.ReadUInt16BigEndian(frame[12..]),
            BinaryPrimitives.ReadUInt16BigEndian(frame[14..]));
        return true;
    }
}
