using System.Globalization;
using System.Text;
using CityBrain.Hub.Sinks;

namespace CityBrain.Hub.Tests.Sinks;

public sealed class ShortDecimalTests
{
    public static TheoryData<double> EdgeValues() =>
    [
        0.0, -0.0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 0.3, 21.5, -12.25, 73.5, 0.25, 1e-4, -1e-4, 9.9999e-5, 1.2345e-4, 0.00015,
        1e14, 1e15, -1e15, 1e15 - 1, 999_999_999_999_999, 99_999_999_999.9999, 12_345_678_901.2345, 1e16, 1e21, 1e-21,
        9_007_199_254_740_992, 9_007_199_254_740_993, -9_007_199_254_740_993, 123_456_789_012_345.6, 1_234_567.891,
        double.Epsilon, -double.Epsilon, 2.2250738585072014E-308, 2.2250738585072009E-308, double.MaxValue, double.MinValue,
        1.0 / 3, 2.0 / 3, 100.0 / 3, 5e-324, 4.35, 0.615, 1.005, 8.675, 1234.5678, 0.5, 1.5, 2.5, 1e-5, 0.001, 0.01,
    ];

    [Theory]
    [MemberData(nameof(EdgeValues))]
    public void Format_IsExactlyTheRoundTripText(double value) => AssertSameAsR(value);

    [Fact]
    public void Format_RandomValues_AreExactlyTheRoundTripText()
    {
        var random = new Random(2026);
        for (int i = 0; i < 300_000; i++)
        {
            double value = (i % 4) switch
            {
                // Sensor-like values: a few decimals, some magnitudes.
                0 => Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-4, 16)), random.Next(0, 6)),
                1 => random.Next(-1_000_000, 1_000_000) / Math.Pow(10, random.Next(0, 6)),
                2 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 22)),
                _ => BitConverter.Int64BitsToDouble(random.NextInt64()),
            };

            if (double.IsFinite(value))
            {
                AssertSameAsR(value);
            }
        }
    }

    [Theory]
    [InlineData(21.5, "21.5")]
    [InlineData(-12.25, "-12.25")]
    [InlineData(73.0, "73")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(999_999_999_999_999.0, "999999999999999")]
    public void SensorLikeValues_TakeTheFastPath(double value, string text)
    {
        Span<byte> buffer = stackalloc byte[32];
        Assert.True(ShortDecimal.TryFormat(value, buffer, out int written));
        Assert.Equal(text, Encoding.ASCII.GetString(buffer[..written]));
    }

    [Fact]
    public void NotFinite_IsLeftToTheCaller()
    {
        Span<byte> buffer = stackalloc byte[32];
        Assert.False(ShortDecimal.TryFormat(double.NaN, buffer, out _));
        Assert.False(ShortDecimal.TryFormat(double.PositiveInfinity, buffer, out _));
        Assert.False(ShortDecimal.TryFormat(double.NegativeInfinity, buffer, out _));
    }

    [Fact]
    public void LineBatch_FloatField_RoundTripsThroughParsing()
    {
        using var batch = new LineBatch();
        double[] values = [21.5, -0.0, 1e21, 5e-324, 9_007_199_254_740_993, 0.1 + 0.2, 73];
        foreach (double v in values)
        {
            batch.BeginLine("m", 0).Field("value"u8, v).EndLine(1);
        }

        for (int i = 0; i < values.Length; i++)
        {
            string text = batch.LineText(i);
            string field = text["m value=".Length..text.LastIndexOf(' ')];
            Assert.Equal(values[i].ToString("R", CultureInfo.InvariantCulture), field);
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(double.Parse(field, CultureInfo.InvariantCulture)));
        }
    }

    private static void AssertSameAsR(double value)
    {
        Span<byte> buffer = stackalloc byte[32];
        string expected = value.ToString("R", CultureInfo.InvariantCulture);
        if (ShortDecimal.TryFormat(value, buffer, out int written))
        {
            Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..written]));
        }
    }
}
