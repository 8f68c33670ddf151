using System.Text;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Sensing.Tests;

public sealed class TelemetryCodecTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123);

    private static TelemetryMessage Sample() => new(
        "n-01",
        T0,
        [
            new SequencedReading(41, new Reading("bin-07", "fill_level", 73.5, "%", T0, Quality.Good)),
            new SequencedReading(42, new Reading("env-01", "noise_laeq", 0.1 + 0.2, "dB(A)", T0.AddMilliseconds(1), Quality.Uncertain)),
            new SequencedReading(43, new Reading("env-01", "air_temperature", -12.25, "degC", T0.AddMilliseconds(2), Quality.Bad)),
        ]);

    [Fact]
    public void Serialize_ThenRead_RoundTripsEveryFieldExactly()
    {
        var original = Sample();
        byte[] bytes = TelemetryCodec.Serialize(original);

        Assert.True(TelemetryCodec.TryRead(bytes, out var read, out var violation), violation?.ToString());
        Assert.NotNull(read);
        Assert.Equal(original.Node, read.Node);
        Assert.Equal(original.Sent, read.Sent);
        Assert.Equal(original.Readings, read.Readings);
    }

    [Fact]
    public void TryRead_SuccessiveMessages_KeepTheirOwnReadings()
    {
        // The codec reuses one reading list per thread: each message must still own its readings.
        var first = Sample();
        var second = first with { Readings = [new SequencedReading(99, new Reading("bin-08", "fill_level", 1.5, "%", T0, Quality.Good))] };

        Assert.True(TelemetryCodec.TryRead(TelemetryCodec.Serialize(first), out var a, out _));
        Assert.True(TelemetryCodec.TryRead("{\"v\":1,\"node\":\"n-01\",\"sent\":1,\"readings\":[{\"seq\":1},{\"seq\":\"x\"}]}"u8, out var none, out _));
        Assert.Empty(none!.Readings);
        Assert.Equal(2, none.Rejected.Count);
        Assert.True(TelemetryCodec.TryRead(TelemetryCodec.Serialize(second), out var b, out _));

        Assert.Equal(first.Readings, a!.Readings);
        Assert.Equal(second.Readings, b!.Readings);
        Assert.Equal(first.Readings.ToArray(), a.ReadingSpan().ToArray());
    }

    [Fact]
    public void TryRead_EscapedMemberNames_AreRecognised()
    {
        string json = "{\"v\":1,\"node\":\"n-01\",\"sent\":1795000000123,\"readings\":[{\"s\\u0065q\":7,\"sensor\":\"bin-07\",\"quantit\\u0079\":\"fill_level\",\"value\":2,\"unit\":\"%\",\"\\u0074s\":1795000000123,\"quality\":\"good\"}]}";

        Assert.True(TelemetryCodec.TryRead(Encoding.UTF8.GetBytes(json), out var read, out var violation), violation?.ToString());
        Assert.Equal(new SequencedReading(7, new Reading("bin-07", "fill_level", 2, "%", T0, Quality.Good)), read!.Readings[0]);
    }

    [Fact]
    public void TryRead_InvalidIdAfterValidOnes_IsStillRejected()
    {
        // Valid strings are remembered and not validated again; an invalid one is never remembered.
        Assert.True(TelemetryCodec.TryRead(TelemetryCodec.Serialize(Sample()), out _, out _));
        string bad = "{\"v\":1,\"node\":\"n-01\",\"sent\":1,\"readings\":[{\"seq\":1,\"sensor\":\"Bin 7\",\"quantity\":\"fill_level\",\"value\":2,\"unit\":\"%\",\"ts\":1795000000123,\"quality\":\"good\"}]}";
        for (int i = 0; i < 2; i++)
        {
            Assert.True(TelemetryCodec.TryRead(Encoding.UTF8.GetBytes(bad), out var read, out _));
            Assert.Empty(read!.Readings);
            Assert.Equal(ContractViolation.InvalidValue, Assert.Single(read.Rejected).Violation.Code);
        }
    }

    [Fact]
    public void TryRead_RepeatedStrings_AreShared_EscapedOrNot_AsciiOrNot()
    {
        var message = new TelemetryMessage("n-01", T0, [new SequencedReading(1, new Reading("shared-07", "air_temperature", 1.5, "°C", T0, Quality.Good))]);
        byte[] plain = TelemetryCodec.Serialize(message);
        string escaped = Encoding.UTF8.GetString(plain).Replace("\"shared-07\"", "\"shared\\u002d07\"", StringComparison.Ordinal).Replace("°C", "\\u00b0C", StringComparison.Ordinal);

        Assert.True(TelemetryCodec.TryRead(plain, out var a, out var v1), v1?.ToString());
        Assert.True(TelemetryCodec.TryRead(plain, out var b, out var v2), v2?.ToString());
        Assert.True(TelemetryCodec.TryRead(Encoding.UTF8.GetBytes(escaped), out var c, out var v3), v3?.ToString());

        Assert.Equal(message.Readings, c!.Readings);
        Assert.Same(a!.Readings[0].Reading.Sensor, b!.Readings[0].Reading.Sensor);
        Assert.Same(a.Readings[0].Reading.Sensor, c.Readings[0].Reading.Sensor);
        Assert.Same(a.Readings[0].Reading.Unit, b.Readings[0].Reading.Unit);
        Assert.Same(a.Readings[0].Reading.Unit, c.Readings[0].Reading.Unit);
    }

    [Fact]
    public void TryRead_InvalidUtf8InAString_IsInvalidJson_NeverAString()
    {
        Assert.True(TelemetryCodec.TryRead(TelemetryCodec.Serialize(Sample()), out _, out _)); // "bin-07" is remembered
        byte[] bytes = TelemetryCodec.Serialize(Sample());
        int at = bytes.AsSpan().IndexOf("bin-07"u8);
        bytes[at + 3] = 0xC3; // "bin\xC3" + "07": a lead byte without its continuation

        Assert.False(TelemetryCodec.TryRead(bytes, out _, out var violation));
        Assert.Equal(ContractViolation.InvalidJson, violation!.Code);
    }

    [Theory]
    [InlineData("sensor", "ug/m3")] // a valid unit is no valid sensor id
    [InlineData("quantity", "bin-07")] // a valid sensor id is no valid quantity
    [InlineData("sensor", "Bin 7")]
    public void TryRead_StringValidForAnotherKind_IsStillRejected(string member, string value)
    {
        // Both strings were read (and remembered) in their own role first.
        var valid = new TelemetryMessage("n-01", T0, [new SequencedReading(1, new Reading("bin-07", "fill_level", 1, "ug/m3", T0, Quality.Good))]);
        Assert.True(TelemetryCodec.TryRead(TelemetryCodec.Serialize(valid), out _, out _));
        var reading = member == "sensor" ? new Reading(value, "fill_level", 1, "%", T0, Quality.Good) : new Reading("bin-07", value, 1, "%", T0, Quality.Good);

        Assert.True(TelemetryCodec.TryRead(TelemetryCodec.Serialize(valid with { Readings = [new SequencedReading(2, reading)] }), out var read, out _));
        var violation = Assert.Single(read!.Rejected).Violation;
        Assert.Equal(ContractViolation.InvalidValue, violation.Code);
        Assert.Contains($".{member}", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_WritesTheDocumentedFieldNames()
    {
        string json = Encoding.UTF8.GetString(TelemetryCodec.Serialize(Sample()));
        Assert.StartsWith("{\"v\":1,\"node\":\"n-01\",\"sent\":1795000000123,\"readings\":[{\"seq\":41,\"sensor\":\"bin-07\",\"quantity\":\"fill_level\",\"value\":73.5,\"unit\":\"%\",\"ts\":1795000000123,\"quality\":\"good\"}", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"v\":1,\"node\":\"n-01\",\"sent\":1,\"readings\":[{\"seq\":1", ContractViolation.InvalidJson, "not valid JSON")]
    [InlineData("", ContractViolation.InvalidJson, "not valid JSON")]
    [InlineData("[]", ContractViolation.WrongType, "$: expected an object")]
    [InlineData("{\"v\":\"1\",\"node\":\"n\",\"sent\":1,\"readings\":[]}", ContractViolation.WrongType, "$.v")]
    [InlineData("{\"v\":2,\"node\":\"n\",\"sent\":1,\"readings\":[]}", ContractViolation.SchemaVersion, "schema version 2 is not supported")]
    [InlineData("{\"node\":\"n\",\"sent\":1,\"readings\":[]}", ContractViolation.MissingField, "$.v is required")]
    [InlineData("{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[]}", ContractViolation.InvalidValue, "at least one reading")]
    [InlineData("{\"v\":1,\"node\":5,\"sent\":1,\"readings\":[]}", ContractViolation.WrongType, "$.node: expected a string")]
    [InlineData("{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":NaN,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}]}", ContractViolation.InvalidJson, "not valid JSON")]
    [InlineData("{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":Infinity,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}]}", ContractViolation.InvalidJson, "not valid JSON")]
    [InlineData("{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}]} {}", ContractViolation.InvalidJson, null)]
    public void TryRead_BadInput_ReturnsTypedViolationSayingWhatAndWhere(string json, string code, string? fragment)
    {
        Assert.False(TelemetryCodec.TryRead(Encoding.UTF8.GetBytes(json), out var message, out var violation));
        Assert.Null(message);
        Assert.NotNull(violation);
        Assert.Equal(code, violation.Code);
        if (fragment is not null)
        {
            Assert.Contains(fragment, violation.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>A reading that breaks the contract costs only itself: the message keeps its good readings, the bad one is
    /// rejected with its own violation (path, code), its JSON as received, and its seq where that is valid.</summary>
    [Theory]
    [InlineData("{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":\"12\",\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}", ContractViolation.WrongType, "$.readings[1].value: expected a number")]
    [InlineData("{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1e999,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}", ContractViolation.InvalidValue, "finite")]
    [InlineData("{\"seq\":1,\"sensor\":\"a,b=c d\\ne\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}", ContractViolation.InvalidValue, "$.readings[1].sensor: 'a,b=c d\\ne' is not a valid sensor id")]
    [InlineData("{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000,\"quality\":\"good\"}", ContractViolation.BadTimestamp, "seconds sent instead of milliseconds")]
    [InlineData("{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"fine\"}", ContractViolation.InvalidValue, "not one of good, uncertain, bad")]
    [InlineData("{\"seq\":1,\"sensor\":\"s\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}", ContractViolation.MissingField, "$.readings[1].quantity is required")]
    [InlineData("{\"seq\":-1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}", ContractViolation.WrongType, "$.readings[1].seq")]
    [InlineData("{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"Bad Q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}", ContractViolation.InvalidValue, "not a valid quantity")]
    public void TryRead_BadReading_RejectsOnlyThatReading_KeepsTheOthers(string badReading, string code, string fragment)
    {
        const string Good = "{\"seq\":5,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}";
        string json = "{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[" + Good + ",  " + badReading + "," + Good.Replace("\"seq\":5", "\"seq\":7", StringComparison.Ordinal) + "]}";

        Assert.True(TelemetryCodec.TryRead(Encoding.UTF8.GetBytes(json), out var message, out var violation), violation?.ToString());
        Assert.Equal([5L, 7L], message!.Readings.Select(r => r.Seq));
        var rejected = Assert.Single(message.Rejected);
        Assert.Equal(1, rejected.Index);
        Assert.Equal(code, rejected.Violation.Code);
        Assert.Contains(fragment, rejected.Violation.Message, StringComparison.Ordinal);
        Assert.Equal(badReading, rejected.Json); // exactly as received, without the spaces around it
        Assert.Equal(badReading.Contains("\"seq\":1,", StringComparison.Ordinal) ? 1L : null, rejected.Seq);
    }

    [Fact]
    public void TryRead_BadReadingInAMultiSegmentPayload_CutOutExactly()
    {
        string bad = "{\"seq\":3,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":17,\"quality\":\"good\"}";
        string json = "{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[" + bad + "]}";
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var first = new Segment(bytes.AsMemory(0, 60));
        var last = first.Append(bytes.AsMemory(60));

        Assert.True(TelemetryCodec.TryRead(new System.Buffers.ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), out var message, out _));
        var rejected = Assert.Single(message!.Rejected);
        Assert.Equal(bad, rejected.Json);
        Assert.Equal(ContractViolation.BadTimestamp, rejected.Violation.Code);
        Assert.Equal(3L, rejected.Seq);
        Assert.Equal("s", rejected.Sensor);
    }

    private sealed class Segment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }

    [Fact]
    public void TryRead_TooManyReadings_IsTooLarge()
    {
        var sb = new StringBuilder("{\"v\":1,\"node\":\"n\",\"sent\":1,\"readings\":[");
        for (int i = 0; i <= TelemetryMessage.MaxReadings; i++)
        {
            sb.Append(i == 0 ? string.Empty : ",").Append("{\"seq\":").Append(i).Append(",\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\"}");
        }

        sb.Append("]}");
        Assert.False(TelemetryCodec.TryRead(Encoding.UTF8.GetBytes(sb.ToString()), out _, out var violation));
        Assert.Equal(ContractViolation.TooLarge, violation!.Code);
    }

    [Fact]
    public void TryRead_UnknownProperties_AreIgnoredForForwardCompatibility()
    {
        string json = "{\"v\":1,\"node\":\"n\",\"sent\":1,\"extra\":{\"a\":[1,2]},\"readings\":[{\"seq\":1,\"sensor\":\"s\",\"quantity\":\"q\",\"value\":1,\"unit\":\"%\",\"ts\":1795000000000,\"quality\":\"good\",\"note\":\"x\"}]}";
        Assert.True(TelemetryCodec.TryRead(Encoding.UTF8.GetBytes(json), out var message, out var violation), violation?.ToString());
        Assert.Single(message!.Readings);
    }

    [Fact]
    public void TryRead_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        byte[] valid = TelemetryCodec.Serialize(Sample());
        for (int i = 0; i < 2000; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            int flips = random.Next(1, 6);
            for (int f = 0; f < flips; f++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            int length = random.Next(mutated.Length + 1);
            bool ok = TelemetryCodec.TryRead(mutated.AsSpan(0, length), out var message, out var violation);
            Assert.True(ok ? message is not null && violation is null : message is null && violation is not null);
        }
    }
}
