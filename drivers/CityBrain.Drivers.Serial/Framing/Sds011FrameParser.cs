namespace CityBrain.Drivers.Serial;

/// <summary>
/// Nova Fitness SDS011 data frames (laser dust sensor control protocol V1.3): 10 bytes
/// <c>AA C0 PM25lo PM25hi PM10lo PM10hi ID1 ID2 CS AB</c>, CS = low byte of the sum of bytes 2..7, values in 0.1 µg/m³.
/// </summary>
public sealed class Sds011FrameParser() : PmFrameParser(10, [0xAA, 0xC0])
{
    protected override bool TryDecode(ReadOnlySpan<byte> frame, out PmSample sample)
    {
        sample = default;
        int sum = 0;
        for (int i = 2; i <= 7; i++)
        {
            sum += frame[i];
        }

        if (frame[9] != 0xAB || (byte)sum != frame[8])
        {
            return false;
        }

        sample = new PmSample(null, ((frame[3] << 8) | frame[2]) / 10.0, ((frame[5] << 8) | frame[4]) / 10.0);
        return true;
    }
}
