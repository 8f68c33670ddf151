using System.Buffers;
using System.Globalization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// The fast path of <see cref="TelemetryCodec.TryRead(ReadOnlySpan{byte}, out TelemetryMessage?, out ContractViolation?)"/>:
/// a message in exactly the form <see cref="TelemetryCodec.Write"/> produces (members in its order, no whitespace,
/// strings of printable ASCII without escapes) is read by a byte scanner instead of the general JSON reader. It accepts
/// a strict subset of what the general reader accepts, with the same checks (ids, quantity, unit, finite value, seq,
/// timestamp range, quality, at most <see cref="TelemetryMessage.MaxReadings"/>); anything else, valid or not, returns
/// false and the general reader decides (and says what is wrong). Both give the same message for the same input.
/// </summary>
public static partial class TelemetryCodec
{
    private static bool TryReadCanonical(ReadOnlySpan<byte> json, out TelemetryMessage? message, ArrayPool<SequencedReading>? readingsPool)
    {
        message = null;
        int i = 0;
        if (!Literal(json, ref i, "{\"v\":1,\"node\":\""u8)
            || !AsciiString(json, ref i, out var nodeBytes)
            || !Literal(json, ref i, ",\"sent\":"u8)
            || !Integer(json, ref i, out long sent)
            || !Literal(json, ref i, ",\"readings\":["u8))
        {
            return false;
        }

        string node = SensorIds.Get(nodeBytes, out bool nodeKnown);
        if (!nodeKnown && !Location.IsValidId(node))
        {
            return false;
        }

        var readings = ScratchReadings();
        while (true)
        {
            if (readings.Count >= TelemetryMessage.MaxReadings || !CanonicalReading(json, ref i, out var reading))
            {
                return false;
            }

            readings.Add(reading);
            if (Literal(json, ref i, ","u8))
            {
                continue;
            }

            if (Literal(json, ref i, "]}"u8) && i == json.Length)
            {
                break;
            }

            return false;
        }

        IReadOnlyList<SequencedReading> list = readingsPool is null ? readings.ToArray() : new PooledReadings(readingsPool, readings);
        message = new TelemetryMessage(node, DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(sent, 0, MaxTimestampMs)), list);
        return true;
    }

    private static bool CanonicalReading(ReadOnlySpan<byte> json, ref int i, out SequencedReading item)
    {
        item = default;
        if (!Literal(json, ref i, "{\"seq\":"u8)
            || !Integer(json, ref i, out long seq) || seq < 0
            || !Literal(json, ref i, ",\"sensor\":\""u8)
            || !AsciiString(json, ref i, out var sensorBytes)
            || !Literal(json, ref i, ",\"quantity\":\""u8)
            || !AsciiString(json, ref i, out var quantityBytes)
            || !Literal(json, ref i, ",\"value\":"u8)
            || !Number(json, ref i, out double value)
            || !Literal(json, ref i, ",\"unit\":\""u8)
            || !AsciiString(json, ref i, out var unitBytes)
            || !Literal(json, ref i, ",\"ts\":"u8)
            || !Integer(json, ref i, out long ts) || ts is < MinTimestampMs or > MaxTimestampMs
            || !Literal(json, ref i, ",\"quality\":\""u8))
        {
            return false;
        }

        Quality quality;
        if (Literal(json, ref i, "good\"}"u8))
        {
            quality = Quality.Good;
        }
        else if (Literal(json, ref i, "uncertain\"}"u8))
        {
            quality = Quality.Uncertain;
        }
        else if (Literal(json, ref i, "bad\"}"u8))
        {
            quality = Quality.Bad;
        }
        else
        {
            return false;
        }

        string sensor = SensorIds.Get(sensorBytes, out bool sensorKnown);
        string quantity = Quantities.Get(quantityBytes, out bool quantityKnown);
        string unit = Units.Get(unitBytes, out bool unitKnown);
        if ((!sensorKnown && !Location.IsValidId(sensor))
            || (!quantityKnown && !IsValidQuantity(quantity))
            || (!unitKnown && !IsValidUnit(unit)))
        {
            return false;
        }

        RememberNew(sensor, sensorKnown, quantity, quantityKnown, unit, unitKnown);
        item = new SequencedReading(seq, new Reading(sensor, quantity, value, unit, DateTimeOffset.FromUnixTimeMilliseconds(ts), quality));
        return true;
    }

    private static bool Literal(ReadOnlySpan<byte> json, ref int i, ReadOnlySpan<byte> literal)
    {
        if (!json[i..].StartsWith(literal))
        {
            return false;
        }

        i += literal.Length;
        return true;
    }

    /// <summary>The rest of a string whose opening quote was read: printable ASCII, no escapes; the closing quote is consumed.</summary>
    private static bool AsciiString(ReadOnlySpan<byte> json, ref int i, out ReadOnlySpan<byte> value)
    {
        var rest = json[i..];
        int quote = rest.IndexOfAny((byte)'"', (byte)'\\');
        value = default;
        if (quote < 0 || rest[quote] != '"')
        {
            return false; // unterminated, or escapes: the general reader unescapes
        }

        value = rest[..quote];
        if (value.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
        {
            return false; // a control character or non-ASCII: the general reader decides
        }

        i += quote + 1;
        return true;
    }

    /// <summary>A JSON integer (no fraction or exponent) that fits a long: <c>-?(0|[1-9][0-9]*)</c>.</summary>
    private static bool Integer(ReadOnlySpan<byte> json, ref int i, out long value)
    {
        value = 0;
        int start = i;
        if (!IntegerPart(json, i, out int p, out int digits) || digits > 19)
        {
            return false;
        }

        if (digits <= 18)
        {
            // At most 18 digits cannot overflow a long.
            long v = 0;
            foreach (byte b in json.Slice(p, digits))
            {
                v = (v * 10) + (b - '0');
            }

            value = start == p ? v : -v;
        }
        else if (!long.TryParse(json[start..(p + digits)], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        i = p + digits;
        return true;
    }

    /// <summary>The sign and integer digits of a JSON number at <paramref name="at"/>: <c>-?(0|[1-9][0-9]*)</c>.</summary>
    /// <param name="digitsAt">Where the digits start (after the sign).</param>
    private static bool IntegerPart(ReadOnlySpan<byte> json, int at, out int digitsAt, out int digits)
    {
        digitsAt = at < json.Length && json[at] == '-' ? at + 1 : at;
        digits = Digits(json, digitsAt);
        return digits > 0 && (digits == 1 || json[digitsAt] != '0');
    }

    /// <summary>A finite JSON number: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>, correctly rounded.</summary>
    private static bool Number(ReadOnlySpan<byte> json, ref int i, out double value)
    {
        value = 0;
        int start = i;
        if (!IntegerPart(json, i, out int p, out int digits))
        {
            return false;
        }

        p += digits;
        if (p < json.Length && json[p] == '.')
        {
            int fraction = Digits(json, p + 1);
            if (fraction == 0)
            {
                return false;
            }

            p += 1 + fraction;
        }

        if (p < json.Length && (json[p] | 0x20) == 'e')
        {
            p++;
            if (p < json.Length && json[p] is (byte)'+' or (byte)'-')
            {
                p++;
            }

            int exponent = Digits(json, p);
            if (exponent == 0)
            {
                return false;
            }

            p += exponent;
        }

        if (!TryExactDecimal(json[start..p], out value)
            && (!double.TryParse(json[start..p], NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value)))
        {
            return false;
        }

        i = p;
        return true;
    }

    private static readonly double[] PowersOf10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>
    /// A decimal without exponent and with at most 15 digits (e.g. <c>-21.25</c>): its digits as an integer m &lt; 10^15 &lt;
    /// 2^53 and 10^f are both exact doubles, so m / 10^f is the correctly rounded value, as double.Parse gives it.
    /// </summary>
    private static bool TryExactDecimal(ReadOnlySpan<byte> number, out double value)
    {
        value = 0;
        bool negative = number[0] == '-';
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        foreach (byte b in negative ? number[1..] : number)
        {
            if (b == '.')
            {
                fraction = 0;
                continue;
            }

            if (b is < (byte)'0' or > (byte)'9' || ++digits > 15)
            {
                return false; // an exponent, or too many digits: the general parser
            }

            mantissa = (mantissa * 10) + (b - '0');
            if (fraction >= 0)
            {
                fraction++;
            }
        }

        value = mantissa / PowersOf10[Math.Max(0, fraction)];
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    private static int Digits(ReadOnlySpan<byte> json, int from)
    {
        if (from >= json.Length)
        {
            return 0;
        }

        int n = json[from..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        return n < 0 ? json.Length - from : n;
    }
}
