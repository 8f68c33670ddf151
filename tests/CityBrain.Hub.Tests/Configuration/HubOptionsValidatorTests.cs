using CityBrain.Hub.Configuration;

namespace CityBrain.Hub.Tests.Configuration;

public sealed class HubOptionsValidatorTests
{
    private static HubOptions Valid() => new()
    {
        Sinks = [new SinkOptions { Kind = SinkOptions.InfluxV1, Url = "http://127.0.0.1:8086", Database = "citybrain" }],
    };

    [Fact]
    public void Check_DemoLikeOptions_HasNoErrors() => Assert.Empty(HubOptionsValidator.Check(Valid()));

    [Theory]
    [InlineData("value")]
    [InlineData("seq,value")]
    [InlineData("value,quality,seq")]
    public void Check_Columns_SubsetsWithValue_AreValid(string columns)
    {
        var o = Valid();
        o.Columns = columns.Split(',');
        Assert.Empty(HubOptionsValidator.Check(o));
    }

    [Theory]
    [InlineData("quality,seq", "Hub:Columns = [\"quality\", \"seq\"] lacks \"value\"")]
    [InlineData("value,Value", "Hub:Columns = [\"value\", \"Value\"]: 'Value' is not a column of the schema: use \"value\", \"quality\" and/or \"seq\"")]
    [InlineData("value,seq,seq", "Hub:Columns = [\"value\", \"seq\", \"seq\"] names 'seq' twice")]
    [InlineData("", "Hub:Columns = [] lacks \"value\"")]
    public void Check_Columns_Bad_NamesValueAndFix(string columns, string expected)
    {
        var o = Valid();
        o.Columns = columns.Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(HubOptionsValidator.Check(o), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Check_DeadLetters_EmptyDirectoryOrSegmentOverHalfTheCap_NamesFieldAndFix()
    {
        var o = Valid();
        o.DeadLetters = new DeadLetterOptions { Directory = " ", MaxBytes = 4 * 1024 * 1024, SegmentBytes = 3 * 1024 * 1024 };
        var errors = HubOptionsValidator.Check(o);
        Assert.Contains(errors, e => e.StartsWith("Hub:DeadLetters:Directory is empty", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Hub:DeadLetters:SegmentBytes = 3145728 is out of range 65536..2097152", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_NoSinks_SaysHowToAddOne()
    {
        var o = Valid();
        o.Sinks.Clear();
        var error = Assert.Single(HubOptionsValidator.Check(o));
        Assert.Contains("Hub:Sinks is empty", error, StringComparison.Ordinal);
        Assert.Contains("influx-v1", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("influx-v3", "Hub:Sinks:0:Kind = 'influx-v3' is unknown")]
    [InlineData("influx-v2", "Hub:Sinks:0:Bucket is empty")]
    public void Check_BadSink_NamesFieldAndValue(string kind, string expected)
    {
        var o = Valid();
        o.Sinks[0].Kind = kind;
        Assert.Contains(HubOptionsValidator.Check(o), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Check_BadUrlPortShareNameAndSessionExpiry_EachNamedWithFix()
    {
        var o = Valid();
        o.Sinks[0].Url = "ftp://x";
        o.Mqtt.Port = 70000;
        o.Mqtt.SharedSubscriptionGroup = "a/b";
        o.Mqtt.SessionExpirySeconds = 0;
        o.Batching.MaxLines = 0;
        var errors = HubOptionsValidator.Check(o);
        Assert.Contains(errors, e => e.Contains("Hub:Sinks:0:Url = 'ftp://x' is not an http(s) URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Mqtt:Port = 70000 is out of range 1..65535", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Mqtt:SharedSubscriptionGroup = 'a/b'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Mqtt:SessionExpirySeconds = 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Batching:MaxLines = 0", StringComparison.Ordinal) && e.Contains("5000", StringComparison.Ordinal));
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Check_InfluxDbClient_RefusedWhereNotInTheBuild_NamesFieldValueAndFix()
    {
        var o = Valid();
        o.Sinks[0] = new SinkOptions { Kind = SinkOptions.InfluxV2, Url = "http://127.0.0.1:8428", Org = "city", Bucket = "citybrain", Client = SinkOptions.InfluxDbClient };
        Assert.Empty(HubOptionsValidator.Check(o, influxDbClientSupported: true));
        var error = Assert.Single(HubOptionsValidator.Check(o, influxDbClientSupported: false));
        Assert.StartsWith("Hub:Sinks:0:Client = 'influxdb-client'", error, StringComparison.Ordinal);
        Assert.Contains("use \"http\"", error, StringComparison.Ordinal);
        Assert.Contains("NativeAOT", error, StringComparison.Ordinal);

        // The JIT build (tests, HUB_BUILD=jit) has the feature.
        Assert.True(HubFeatures.InfluxDbClientSupported);
        Assert.Empty(HubOptionsValidator.Check(o));
    }

    [Fact]
    public void Validate_ThroughOptionsInterface_Fails()
    {
        var o = Valid();
        o.HttpBindAddress = "localhost";
        var result = new HubOptionsValidator().Validate(null, o);
        Assert.True(result.Failed);
        Assert.Contains("Hub:HttpBindAddress = 'localhost' is not an IP address", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Registry_MissingOrInvalid_NamesEveryProblemWithPathValueAndFix()
    {
        var o = Valid();
        o.RegistryPath = "/nonexistent/grids.json";
        Assert.Contains(HubOptionsValidator.Check(o), e => e.StartsWith("Hub:RegistryPath = '/nonexistent/grids.json' does not exist", StringComparison.Ordinal));

        string file = Path.Combine(Path.GetTempPath(), $"grids-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, File.ReadAllText(CityBrain.Testing.RepoPaths.Combine("deploy", "grids.example.json"))
            .Replace("\"district\": \"old-town\", \"name\": \"Market Street\"", "\"district\": \"oldtown\", \"name\": \"Market Street\"", StringComparison.Ordinal));
        try
        {
            o.RegistryPath = file;
            var errors = HubOptionsValidator.Check(o);
            Assert.Contains(errors, e => e.Contains("/streets/2/district = \"oldtown\": unknown district. Fix: add it to \"districts\" or use one of: harbour, old-town", StringComparison.Ordinal));
            o.RegistryPath = CityBrain.Testing.RepoPaths.Combine("deploy", "grids.example.json");
            Assert.Empty(HubOptionsValidator.Check(o));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Check_SinkDomains_UnknownOrEmpty_AreRefused()
    {
        var o = Valid();
        o.Sinks.Add(new SinkOptions { Kind = SinkOptions.InfluxV1, Url = "http://127.0.0.1:8086", Database = "citybrain_bins", Domains = ["bins"] });
        o.Sinks.Add(new SinkOptions { Kind = SinkOptions.InfluxV1, Url = "http://127.0.0.1:8086", Database = "citybrain_x", Domains = [] });
        var errors = HubOptionsValidator.Check(o);
        Assert.Contains(errors, e => e.StartsWith("Hub:Sinks:1:Domains:0 = 'bins' is not a catalogue domain", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Hub:Sinks:2:Domains is empty", StringComparison.Ordinal));
    }
}
