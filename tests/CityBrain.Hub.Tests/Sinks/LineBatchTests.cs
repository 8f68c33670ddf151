using System.Text;
using CityBrain.Hub.Sinks;

namespace CityBrain.Hub.Tests.Sinks;

public sealed class LineBatchTests
{
    private static string Text(LineBatch batch) => Encoding.UTF8.GetString(batch.Content(0, batch.Count).Span);

    [Fact]
    public void Line_WithPlainValues_IsLineProtocolWithIntegerSuffixAndMsTimestamp()
    {
        using var batch = new LineBatch();
        batch.BeginLine("pm2_5", 0).Tag("district", "d01").Tag("grid", "g1").Tag("node", "n1").Tag("sensor", "s1")
            .Field("quality", 1L).Field("seq", 42L).Field("value", 12.5).EndLine(1_700_000_000_123);
        Assert.Equal("pm2_5,district=d01,grid=g1,node=n1,sensor=s1 quality=1i,seq=42i,value=12.5 1700000000123\n", Text(batch));
    }

    [Fact]
    public void Tag_WithCommaEqualsSpace_IsEscaped_AndCannotInjectAField()
    {
        using var batch = new LineBatch();
        batch.BeginLine("m x,y", 0).Tag("se nsor", "a,b=c d").Field("va=l", 1.0).EndLine(1);
        Assert.Equal("m\\ x\\,y,se\\ nsor=a\\,b\\=c\\ d va\\=l=1 1\n", Text(batch));
    }

    [Theory]
    [InlineData("pm2_5", "d01", "g1", "n1", "s1")]
    [InlineData("m x,y", "d 1", "g,1", "n=1", "a,b=c d")]
    public void EscapedNames_ProduceTheSameLineAsTheStringOverloads(string quantity, string district, string grid, string node, string sensor)
    {
        using var expected = new LineBatch();
        expected.BeginLine(quantity, 0).Tag("district", district).Tag("grid", grid).Tag("node", node).Tag("sensor", sensor)
            .Field("quality", 1L).Field("seq", 42L).Field("value", 12.5).EndLine(1_700_000_000_123);
        var names = new EscapedNames();
        var topic = new CityBrain.Sensing.Contract.NodeTopic(district, grid, node, "telemetry");
        using var cached = new LineBatch();
        for (int i = 0; i < 2; i++)
        {
            // The second round comes from the tables.
            cached.Clear();
            cached.BeginLine(names.Measurement(quantity), 0).Raw(names.Location("t", topic)).Tag(",sensor="u8, sensor)
                .Field("quality"u8, 1L).Field("seq"u8, 42L).Field("value"u8, 12.5).EndLine(1_700_000_000_123);
            Assert.Equal(Text(expected), Text(cached));
        }
    }

    [Theory]
    [InlineData("a,b=c d\ne")]
    [InlineData("x\ry")]
    public void Tag_WithLineBreak_Throws_AndAbandonLeavesBatchValid(string value)
    {
        using var batch = new LineBatch();
        batch.BeginLine("m", 0).Field("v", 1.0).EndLine(1);
        var ex = Assert.Throws<LineProtocolException>(() => batch.BeginLine("m", 1).Tag("sensor", value));
        Assert.Contains("line break", ex.Message, StringComparison.Ordinal);
        batch.AbandonLine();
        batch.BeginLine("m", 2).Field("v", 2.0).EndLine(2);
        Assert.Equal("m v=1 1\nm v=2 2\n", Text(batch));
        Assert.Equal(2, batch.Count);
        Assert.Equal(2, batch.OriginOf(1));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0 / 3.0)]
    [InlineData(-1.2e+78)]
    [InlineData(double.Epsilon)]
    [InlineData(123456789.123456789)]
    public void FloatField_RoundTrips(double value)
    {
        using var batch = new LineBatch();
        batch.BeginLine("m", 0).Field("v", value).EndLine(1);
        string text = Text(batch);
        string formatted = text["m v=".Length..text.IndexOf(' ', 4)];
        Assert.Equal(value, double.Parse(formatted, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void FloatField_NaN_Throws()
    {
        using var batch = new LineBatch();
        Assert.Throws<LineProtocolException>(() => batch.BeginLine("m", 0).Field("v", double.NaN));
    }

    [Fact]
    public void Content_OfRange_ReturnsThoseLines_AndGrowsPastInitialBuffer()
    {
        using var batch = new LineBatch(initialBytes: 16);
        for (int i = 0; i < 3000; i++)
        {
            batch.BeginLine("measurement_ü", i).Tag("sensor", "s" + i).Field("value", i).EndLine(i);
        }

        Assert.Equal(3000, batch.Count);
        Assert.Equal("measurement_ü,sensor=s1500 value=1500i 1500", batch.LineText(1500));
        Assert.Equal("measurement_ü,sensor=s2 value=2i 2\nmeasurement_ü,sensor=s3 value=3i 3\n", Encoding.UTF8.GetString(batch.Content(2, 4).Span));
    }
}
