using System.Text;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Sensing.Tests;

/// <summary>
/// The codec's fast path for the canonical form must accept only what the general reader accepts and give the same
/// message: every case is read both ways (TryRead, which tries the fast path first, and TryReadStrict, the general
/// reader alone) and compared, value bits included.
/// </summary>
public sealed class TelemetryCodecCanonicalTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123);

    private static readonly double[] EdgeValues =
    [
        0.0, -0.0, 1, -1, 0.1, 0.1 + 0.2, 21.5, -12.25, 1e-4, 1e15, 999_999_999_999_999, 123_456_789_012_345.6, 1e21, 1e-21,
        9_007_199_254_740_993, double.Epsilon, 2.2250738585072009E-308, double.MaxValue, double.MinValue, 1.0 / 3, 0.615,
    ];

    private static readonly string[] Units = ["%", "ug/m3", "dB(A)", "°C", "count", "a b", "", "m/s"];

    [Fact]
    public void CanonicalMessages_ReadTheSameBothWays()
    {
        var random = new Random(11);
        for (int n = 0; n < 3000; n++)
        {
            byte[] payload = TelemetryCodec.Serialize(RandomMessage(random));
            AssertSameBothWays(payload);
            Assert.True(TelemetryCodec.TryRead(payload, out _, out var violation), violation?.ToString());
        }
    }

    [Fact]
    public void MutatedMessages_ReadTheSameBothWays()
    {
        var random = new Random(12);
        byte[] specials = "\\\" 0123456789.eE+-,:{}[]abx_"u8.ToArray().Concat(new byte[] { 0xC3, 0x7F, 0x1F, 0x00, 0x80 }).ToArray();
        for (int n = 0; n < 40_000; n++)
        {
            var bytes = TelemetryCodec.Serialize(RandomMessage(random)).ToList();
            int mutations = 1 + random.Next(3);
            for (int m = 0; m < mutations; m++)
            {
                int at = random.Next(bytes.Count);
                byte b = random.Next(3) == 0 ? (byte)random.Next(256) : specials[random.Next(specials.Length)];
                switch (random.Next(3))
                {
                    case 0: bytes[at] = b; break;
                    case 1: bytes.Insert(at, b); break;
                    default: bytes.RemoveAt(at); break;
                }
            }

            AssertSameBothWays(bytes.ToArray());
        }
    }

    [Theory]
    [InlineData("\"value\":1.5", "\"value\":01.5")] // leading zero: invalid JSON
    [InlineData("\"value\":1.5", "\"value\":1.")]
    [InlineData("\"value\":1.5", "\"value\":.5")]
    [InlineData("\"value\":1.5", "\"value\":1e999")] // not finite
    [InlineData("\"value\":1.5", "\"value\":-0")]
    [InlineData("\"value\":1.5", "\"value\":1E+2")]
    [InlineData("\"seq\":5", "\"seq\":-5")]
    [InlineData("\"seq\":5", "\"seq\":05")]
    [InlineData("\"seq\":5", "\"seq\":5.0")]
    [InlineData("\"seq\":5", "\"seq\":99999999999999999999")] // beyond a long
    [InlineData("\"seq\":5", "\"seq\":9223372036854775807")]
    [InlineData("\"ts\":1795000000123", "\"ts\":1795000000")] // seconds
    [InlineData("\"sensor\":\"bin-07\"", "\"sensor\":\"bin\\u002d07\"")]
    [InlineData("\"sensor\":\"bin-07\"", "\"sensor\":\"Bin-07\"")]
    [InlineData("\"unit\":\"%\"", "\"unit\":\"\\u0025\"")]
    [InlineData("\"quality\":\"good\"", "\"quality\":\"Good\"")]
    [InlineData("\"quality\":\"good\"", "\"quality\":\"good\" ")]
    [InlineData("]}", "]} ")]
    [InlineData("]}", "],\"x\":1}")]
    [InlineData("]}", "]}}")]
    [InlineData("\"node\":\"n-01\"", "\"node\":\"n-02\"")]
    [InlineData("\"node\":\"n-01\"", "\"node\":\"n 01\"")]
    [InlineData("{\"v\":1,", "{\"v\":2,")]
    public void Variants_ReadTheSameBothWays(string from, string to)
    {
        var message = new TelemetryMessage("n-01", T0, [new SequencedReading(5, new Reading("bin-07", "fill_level", 1.5, "%", T0, Quality.Good))]);
        string json = Encoding.UTF8.GetString(TelemetryCodec.Serialize(message));
        Assert.Contains(from, json, StringComparison.Ordinal);
        AssertSameBothWays(Encoding.UTF8.GetBytes(json.Replace(from, to, StringComparison.Ordinal)));
    }

    [Fact]
    public void TooManyReadings_IsTooLarge_AsBefore()
    {
        var readings = Enumerable.Range(0, TelemetryMessage.MaxReadings + 1)
            .Select(i => new SequencedReading(i, new Reading("s", "q", 1, "u", T0, Quality.Good))).ToArray();
        byte[] payload = TelemetryCodec.Serialize(new TelemetryMessage("n-01", T0, readings));

        Assert.False(TelemetryCodec.TryRead(payload, out _, out var violation));
        Assert.Equal(ContractViolation.TooLarge, violation!.Code);
        AssertSameBothWays(payload);
    }

    private static TelemetryMessage RandomMessage(Random random)
    {
        int count = 1 + random.Next(random.Next(2) == 0 ? 3 : 120);
        var readings = new SequencedReading[count];
        for (int i = 0; i < count; i++)
        {
            double value = random.Next(5) switch
            {
                0 => EdgeValues[random.Next(EdgeValues.Length)],
                1 => Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 12)), random.Next(0, 5)),
                2 => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 7,
                _ => random.Next(-1000, 1000) / 4.0,
            };

            long seq = random.Next(3) == 0 ? random.NextInt64(0, long.MaxValue) : random.Next(0, 1_000_000);
            var ts = T0.AddMilliseconds(random.Next(-1_000_000, 1_000_000));
            readings[i] = new SequencedReading(seq, new Reading(
                $"s-{random.Next(40)}",
                random.Next(2) == 0 ? "pm2_5" : "fill_level",
                value,
                Units[random.Next(Units.Length)],
                ts,
                (Quality)random.Next(3)));
        }

        return new TelemetryMessage($"n-{random.Next(10)}", T0.AddMilliseconds(random.Next(1000)), readings);
    }

    private static void AssertSameBothWays(byte[] payload)
    {
        bool fast = TelemetryCodec.TryRead(payload, out var a, out var va);
        bool strict = TelemetryCodec.TryReadStrict(payload, out var b, out var vb);
        Assert.True(fast == strict, $"fast path {(fast ? "accepted" : "rejected")}, general reader {(strict ? "accepted" : "rejected")}: {Encoding.UTF8.GetString(payload)}");
        Assert.Equal(vb, va);
        if (!fast)
        {
            return;
        }

        Assert.Equal(b!.Node, a!.Node);
        Assert.Equal(b.Sent, a.Sent);
        Assert.Equal(b.Readings.Count, a.Readings.Count);
        for (int i = 0; i < a.Readings.Count; i++)
        {
            Assert.Equal(b.Readings[i], a.Readings[i]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(b.Readings[i].Reading.Value), BitConverter.DoubleToInt64Bits(a.Readings[i].Reading.Value));
        }
    }
}
