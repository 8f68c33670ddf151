namespace CityBrain.Hub.Sinks;

/// <summary>
/// A fast path for the float fields of line protocol: values with at most 4 decimals and at most 15 significant digits
/// (sensor readings such as <c>21.5</c>, <c>73</c>, <c>0.25</c>) are written without the general shortest round-trip
/// algorithm, in exactly the text <c>double.ToString("R", InvariantCulture)</c> gives. Why it is exact: for a candidate
/// decimal <c>m / 10^k</c> (m an integer below 10^15, k at most 4) the division <c>m / 10^k</c> of two exactly
/// representable doubles is correctly rounded, so it equals the value iff parsing the decimal gives the value back;
/// and two different decimals of at most 15 significant digits never map to the same double (DBL_DIG = 15), so that
/// decimal is the shortest round-trip one. Values from 1e-4 up to below 1e15 are written in fixed notation, as "R"
/// does. Anything else (-0, more digits, tiny or huge values) returns false and the caller uses "R".
/// </summary>
public static class ShortDecimal
{
    private const int MaxDecimals = 4;
    private const double Limit = 1e15;

    private static readonly double[] Pow10 = [1, 10, 100, 1000, 10000];

    /// <summary>Writes <paramref name="value"/> as "R" would; false (nothing written) when the fast path does not apply.</summary>
    /// <param name="destination">At least 24 bytes.</param>
    public static bool TryFormat(double value, Span<byte> destination, out int written)
    {
        written = 0;
        double abs = Math.Abs(value);
        if (!(abs < Limit) || destination.Length < 24) // also NaN
        {
            return false;
        }

        if (abs == 0)
        {
            if (double.IsNegative(value))
            {
                return false; // "-0"
            }

            destination[0] = (byte)'0';
            written = 1;
            return true;
        }

        if (abs < 1e-4)
        {
            return false;
        }

        for (int k = 0; k <= MaxDecimals; k++)
        {
            double scaled = abs * Pow10[k];
            if (scaled >= Limit)
            {
                return false; // more than 15 significant digits
            }

            if (scaled != Math.Floor(scaled))
            {
                continue;
            }

            long mantissa = (long)scaled;
            if (mantissa / Pow10[k] != abs)
            {
                continue; // the product was rounded: this decimal does not parse back to the value
            }

            int decimals = k;
            while (decimals > 0 && mantissa % 10 == 0)
            {
                mantissa /= 10;
                decimals--;
            }

            written = Write(value < 0, mantissa, decimals, destination);
            return true;
        }

        return false;
    }

    private static int Write(bool negative, long mantissa, int decimals, Span<byte> destination)
    {
        int digits = CountDigits(mantissa);
        int intDigits = Math.Max(1, digits - decimals);
        int length = (negative ? 1 : 0) + intDigits + (decimals > 0 ? 1 + decimals : 0);
        int i = length;
        for (int d = 0; d < decimals; d++)
        {
            destination[--i] = (byte)('0' + (mantissa % 10));
            mantissa /= 10;
        }

        if (decimals > 0)
        {
            destination[--i] = (byte)'.';
        }

        for (int d = 0; d < intDigits; d++)
        {
            destination[--i] = (byte)('0' + (mantissa % 10));
            mantissa /= 10;
        }

        if (negative)
        {
            destination[--i] = (byte)'-';
        }

        return length;
    }

    private static int CountDigits(long value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}
