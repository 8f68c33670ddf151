namespace CityBrain.Drivers.Simulated;

/// <summary>
/// Deterministic, smooth pseudo-random signals: a pure function of (seed, channel, time), so tests and demos can
/// recompute any value, and values move realistically (daily cycles plus slow noise, no white-noise jumps).
/// </summary>
public static class SignalShape
{
    /// <summary>Smooth noise in [-1, 1]: hashes at <paramref name="period"/> knots, cosine-interpolated between them.</summary>
    public static double Noise(int seed, int channel, long timeMs, long period)
    {
        long knot = Math.DivRem(timeMs, period, out long rem);
        if (rem < 0)
        {
            knot--;
            rem += period;
        }

        double a = Hash(seed, channel, knot);
        double b = Hash(seed, channel, knot + 1);
        double f = (1 - Math.Cos(Math.PI * rem / period)) / 2;
        return a + ((b - a) * f);
    }

    /// <summary>Hash of the three integers mapped to [-1, 1].</summary>
    public static double Hash(int seed, int channel, long knot)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        h ^= (ulong)(uint)seed * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 31)) * 0x94D049BB133111EBUL;
        h ^= (ulong)(uint)channel * 0xD6E8FEB86659FD93UL;
        h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9UL;
        h ^= (ulong)knot * 0x94D049BB133111EBUL;
        h = (h ^ (h >> 32)) * 0xD6E8FEB86659FD93UL;
        h ^= h >> 29;
        return ((h >> 11) * (1.0 / (1UL << 53)) * 2) - 1;
    }

    /// <summary>
    /// A daily cycle in [0, 1] for the given UTC time: 0 at <paramref name="troughHour"/>, 1 twelve hours later.
    /// </summary>
    public static double Daily(long timeMs, double troughHour)
    {
        double hour = (timeMs % 86_400_000L) / 3_600_000.0;
        return (1 - Math.Cos(2 * Math.PI * (hour - troughHour) / 24)) / 2;
    }

    /// <summary>Two traffic rush hours (08:00 and 18:00 local-ish) over a night minimum, in [0, 1].</summary>
    public static double RushHours(long timeMs)
    {
        double hour = (timeMs % 86_400_000L) / 3_600_000.0;
        double morning = Math.Exp(-Math.Pow((hour - 8) / 1.5, 2));
        double evening = Math.Exp(-Math.Pow((hour - 18) / 2.0, 2));
        double day = hour is > 6 and < 22 ? 0.35 : 0.05;
        return Math.Clamp(day + (0.65 * Math.Max(morning, evening)), 0, 1);
    }

    /// <summary>Rounds to <paramref name="decimals"/> places so values look like a real sensor's resolution.</summary>
    public static double Round(double value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);
}
