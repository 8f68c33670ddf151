namespace CityBrain.Drivers.Serial.Tests.Framing;

public sealed class PmFrameParserTests
{
    private static List<PmSample> Feed(PmFrameParser parser, params byte[][] chunks)
    {
        var samples = new List<PmSample>();
        foreach (var chunk in chunks)
        {
            parser.Feed(chunk, samples);
        }

        return samples;
    }

    [Fact]
    public void Sds011_CapturedFrame_PmInMicrogramsPerCubicMetre()
    {
        var parser = new Sds011FrameParser();

        var sample = Assert.Single(Feed(parser, CapturedFrames.Sds011));

        Assert.Null(sample.Pm1);
        Assert.Equal(123.6, sample.Pm25, 9);
        Assert.Equal(261.8, sample.Pm10, 9);
        Assert.Equal(1, parser.GoodFrames);
    }

    [Fact]
    public void Pms5003_CapturedFrame_AtmosphericValues()
    {
        var parser = new Pms5003FrameParser();

        var samples = Feed(parser, CapturedFrames.Pms5003, CapturedFrames.Pms5003Atmospheric);

        Assert.Equal([new PmSample(11, 17, 19), new PmSample(9, 14, 16)], samples);
    }

    [Fact]
    public void Sds011_ChecksumError_CountedAndDropped_NextFrameParsed()
    {
        var parser = new Sds011FrameParser();
        var bad = (byte[])CapturedFrames.Sds011.Clone();
        bad[8] ^= 0x01;

        var samples = Feed(parser, bad, CapturedFrames.Sds011Clean);

        Assert.Equal(2.5, Assert.Single(samples).Pm25, 9);
        Assert.Equal(1, parser.BadFrames);
    }

    [Fact]
    public void Pms5003_ChecksumError_CountedAndDropped()
    {
        var parser = new Pms5003FrameParser();
        var bad = (byte[])CapturedFrames.Pms5003.Clone();
        bad[13] ^= 0x40; // PM2.5 changed in transit

        Assert.Empty(Feed(parser, bad));
        Assert.Equal(1, parser.BadFrames);
        Assert.Equal(0, parser.GoodFrames);
    }

    [Fact]
    public void PartialFrameThenFullFrame_OnlyTheFullFrame()
    {
        var parser = new Pms5003FrameParser();

        var samples = Feed(parser, CapturedFrames.Pms5003[..17], CapturedFrames.Pms5003Atmospheric);

        Assert.Equal([new PmSample(9, 14, 16)], samples);
        Assert.Equal(1, parser.GoodFrames);
        Assert.True(parser.BadFrames >= 1);
    }

    [Fact]
    public void GarbageBetweenFrames_Resyncs_AndCountsSkippedBytes()
    {
        var parser = new Sds011FrameParser();
        byte[] garbage = [0x00, 0xFF, 0xAB, 0x13, 0x37];

        var samples = Feed(parser, garbage, CapturedFrames.Sds011, garbage, CapturedFrames.Sds011Clean, garbage);

        Assert.Equal(2, samples.Count);
        Assert.Equal(15, parser.SkippedBytes);
        Assert.Equal(0, parser.BadFrames);
    }

    [Fact]
    public void HeaderBytesInsideGarbage_DoNotSwallowTheRealFrame()
    {
        var parser = new Sds011FrameParser();
        byte[] stream = [0xAA, 0xC0, 0x01, .. CapturedFrames.Sds011];

        var samples = Feed(parser, stream);

        Assert.Equal(123.6, Assert.Single(samples).Pm25, 9);
        Assert.Equal(1, parser.BadFrames);
    }

    [Fact]
    public void ByteByByte_SameAsWholeFrames()
    {
        var parser = new Pms5003FrameParser();
        byte[] stream = [.. CapturedFrames.Pms5003, 0x00, 0x42, .. CapturedFrames.Pms5003Atmospheric];

        var samples = Feed(parser, [.. stream.Select(b => new[] { b })]);

        Assert.Equal([new PmSample(11, 17, 19), new PmSample(9, 14, 16)], samples);
        Assert.Equal(2, parser.SkippedBytes);
    }
}
