using CityBrain.Hub.Health;

namespace CityBrain.Hub.Tests.Health;

public sealed class SparklineTests
{
    private const long Minute = 60_000;
    private static readonly long T0 = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static Ring NewRing() => new(60_000, 60);

    /// <summary>One reading per minute for <paramref name="values"/>.Length minutes from T0.</summary>
    private static Ring Filled(params double[] values)
    {
        var ring = NewRing();
        for (int i = 0; i < values.Length; i++)
        {
            ring.Add(T0 + (i * Minute), values[i]);
        }

        return ring;
    }

    private static double[] Values(Ring ring, long nowMs) => ring.Points(nowMs).Select(p => p.V).ToArray();

    [Fact]
    public void Points_NewestBucket_IsTheExactRunningMean()
    {
        var ring = NewRing();
        ring.Add(T0, 20.1);
        ring.Add(T0 + 1000, 20.2);
        ring.Add(T0 + 2000, 20.6);

        var point = Assert.Single(ring.Points(T0 + 2000));
        Assert.Equal(T0, point.T);
        Assert.Equal(20.3, point.V, 1e-5);
    }

    [Theory]
    [InlineData(20.0, 0.5)]            // temperature in °C, a small daily swing
    [InlineData(1500.0, 7.0)]          // water level in mm
    [InlineData(101_325.0, 0.8)]       // air pressure in Pa: a large offset, a small swing
    [InlineData(80.0, 0.05)]           // a weight in kg
    [InlineData(250_000.0, 120_000.0)] // a count beyond IEEE half precision's 65,504
    [InlineData(-40.0, 0.01)]          // negative values
    [InlineData(3e-6, 1e-7)]           // tiny values
    public void ClosedBuckets_KeepShapeWithinOne32768thOfTheRange(double offset, double swing)
    {
        var expected = Enumerable.Range(0, 60).Select(i => offset + (swing * Math.Sin(i / 6.0))).ToArray();
        var ring = Filled(expected);

        double[] actual = Values(ring, T0 + (59 * Minute));

        Assert.Equal(60, actual.Length);
        double range = expected.Max() - expected.Min();
        for (int i = 0; i < 60; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= (range / 32_768) + (Math.Abs(expected[i]) * 1e-7), $"minute {i}: {actual[i]} for {expected[i]} (range {range})");
        }

        Assert.True(ring.GridStep <= range / 16_384, $"grid step {ring.GridStep} for a range of {range}");
    }

    [Fact]
    public void ClosedBuckets_IntegersAndConstants_AreExact()
    {
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (double)(i * 7)), Values(Filled([.. Enumerable.Range(0, 60).Select(i => (double)(i * 7))]), T0 + (59 * Minute)));
        Assert.Equal(Enumerable.Repeat(12.5, 60), Values(Filled([.. Enumerable.Repeat(12.5, 60)]), T0 + (59 * Minute)));
        Assert.Equal(Enumerable.Repeat(0.0, 60), Values(Filled([.. Enumerable.Repeat(0.0, 60)]), T0 + (59 * Minute)));
    }

    [Fact]
    public void Outlier_WidensTheGrid_AndItNarrowsAgainOnceTheOutlierLeftTheWindow()
    {
        var ring = NewRing();
        ring.Add(T0, 1_000_000); // e.g. a glitch at start
        for (int i = 1; i < 180; i++)
        {
            ring.Add(T0 + (i * Minute), 20 + (0.01 * (i % 10)));
        }

        // Two windows on, even the means stored while the outlier's coarse neighbours were in the window have gone.
        double[] actual = Values(ring, T0 + (179 * Minute));
        Assert.Equal(60, actual.Length);
        for (int i = 0; i < 60; i++)
        {
            Assert.Equal(20 + (0.01 * ((120 + i) % 10)), actual[i], 0.09 / 32_768);
        }

        Assert.True(ring.GridStep <= 0.09 / 16_384, $"grid step {ring.GridStep}");
    }

    [Fact]
    public void Outlier_WithinTheWindow_KeepsItsMagnitudeNextToSmallValues()
    {
        double[] actual = Values(Filled(20, 21, 1_000_000, 22, 23), T0 + (4 * Minute));

        Assert.Equal(1_000_000, actual[2], 1_000_000 / 32_768.0);
        Assert.Equal([20, 21, 22, 23], new[] { actual[0], actual[1], actual[3], actual[4] }, (a, b) => Math.Abs(a - b) <= 1_000_000 / 32_768.0);
    }

    [Fact]
    public void ManyReadingsPerBucket_MeanOfEachMinute()
    {
        var ring = NewRing();
        for (int minute = 0; minute < 3; minute++)
        {
            for (int s = 0; s < 600; s++)
            {
                // 10 readings a second alternating around 100 × (minute + 1): mean 100 × (minute + 1).
                ring.Add(T0 + (minute * Minute) + (s * 100), (100 * (minute + 1)) + (s % 2 == 0 ? 5 : -5));
            }
        }

        Assert.Equal([100, 200, 300], Values(ring, T0 + (2 * Minute)), (a, b) => Math.Abs(a - b) <= 0.01);
    }

    [Fact]
    public void LateReading_IntoAClosedBucket_UpdatesItsMean()
    {
        var ring = NewRing();
        ring.Add(T0, 10);
        ring.Add(T0 + 1000, 20);
        ring.Add(T0 + Minute, 50);
        ring.Add(T0 + 2000, 45); // late: minute 0 now has 10, 20, 45

        Assert.Equal([25, 50], Values(ring, T0 + Minute), (a, b) => Math.Abs(a - b) <= 40 / 32_768.0);
    }

    [Fact]
    public void NonFiniteAndBeyondFloatValues_AreIgnored()
    {
        var ring = NewRing();
        ring.Add(T0, 5);
        ring.Add(T0 + 1000, double.NaN);
        ring.Add(T0 + 2000, double.PositiveInfinity);
        ring.Add(T0 + 3000, 1e300);
        ring.Add(T0 + Minute, float.MaxValue);

        Assert.Equal([5, float.MaxValue], Values(ring, T0 + Minute));
    }

    [Theory]
    [InlineData(1013.25, 3.7)]
    [InlineData(20.0, 0.01)]
    [InlineData(0.0, 250_000.0)]
    public void Load_SavedPoints_RoundTripExactly(double offset, double swing)
    {
        var before = Filled([.. Enumerable.Range(0, 90).Select(i => offset + (swing * Math.Cos(i / 9.0)))]);
        var saved = before.Points(T0 + (89 * Minute));

        var after = NewRing();
        after.Load(saved);

        Assert.Equal(60, saved.Count);
        Assert.Equal(saved, after.Points(T0 + (89 * Minute)));

        // And it goes on from there: the next minute closes the restored newest bucket.
        after.Add(T0 + (90 * Minute), offset);
        Assert.Equal(saved.Skip(1).Select(p => p.V), Values(after, T0 + (90 * Minute)).Take(59), (a, b) => Math.Abs(a - b) <= 2 * swing / 32_768);
    }

    /// <summary>One <see cref="Sparkline"/> with slots of its own (a node keeps the slots of all its quantities in one array).</summary>
    private sealed class Ring(long bucketMs, int points)
    {
        private readonly SparkSlot[] _slots = new SparkSlot[points];
        private Sparkline _state = Sparkline.Empty;

        public double GridStep => _state.GridStep;

        public void Add(long timestampMs, double value) => _state.Add(_slots, bucketMs, timestampMs, value);

        public IReadOnlyList<SparkPoint> Points(long nowMs) => _state.Points(_slots, bucketMs, nowMs);

        public void Load(IReadOnlyList<SparkPoint> points) => _state.Load(_slots, bucketMs, points);
    }
}
