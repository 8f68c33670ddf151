using System.Buffers;
using System.Text.Json;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// Writes and strictly reads <c>telemetry.v1</c> messages (docs/mqtt-contract.md,
/// firmware-config/schemas/telemetry.v1.schema.json). Reading never throws on bad input: it returns a
/// <see cref="ContractViolation"/> that says what is wrong and where (JSON path).
/// </summary>
public static partial class TelemetryCodec
{
    /// <summary>Earliest source timestamp accepted (2000-01-01), to catch clocks that never synchronised.</summary>
    public const long MinTimestampMs = 946_684_800_000;

    /// <summary>Latest source timestamp accepted (2100-01-01).</summary>
    public const long MaxTimestampMs = 4_102_444_800_000;

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    /// <summary>
    /// Sensor ids, quantities and units repeat in every message: read once, then shared (no string per reading). One
    /// cache per kind: a cached string is known to be valid for its kind only (a unit such as <c>ug/m3</c> is no valid
    /// sensor id).
    /// </summary>
    private static readonly Utf8StringCache SensorIds = new(16_384);

    private static readonly Utf8StringCache Quantities = new(4_096);

    private static readonly Utf8StringCache Units = new(4_096);

    /// <summary>
    /// The readings of the message being read, reused by the next message on the same thread: a message's readings
    /// end up in one array of exactly their count instead of a list grown (and copied) per message.
    /// </summary>
    [ThreadStatic]
    private static List<SequencedReading>? t_readings;

    public static void Write(TelemetryMessage message, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteNumber("v"u8, TelemetryMessage.SchemaVersion);
        writer.WriteString("node"u8, message.Node);
        writer.WriteNumber("sent"u8, message.Sent.ToUnixTimeMilliseconds());
        writer.WriteStartArray("readings"u8);
        foreach (var (seq, r) in message.Readings)
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq"u8, seq);
            writer.WriteString("sensor"u8, r.Sensor);
            writer.WriteString("quantity"u8, r.Quantity);
            writer.WriteNumber("value"u8, r.Value);
            writer.WriteString("unit"u8, r.Unit);
            writer.WriteNumber("ts"u8, r.TimestampMs);
            writer.WriteString("quality"u8, r.Quality.ToWire());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    public static byte[] Serialize(TelemetryMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (message.Readings.Count * 128));
        Write(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <param name="readingsPool">
    /// If given, a message in the canonical form (what <see cref="Write"/> produces, i.e. every node) gets its readings in
    /// an array rented from it (<see cref="PooledReadings"/>; the caller returns it); other messages in an array of
    /// their own.
    /// </param>
    public static bool TryRead(
        ReadOnlySequence<byte> payload,
        out TelemetryMessage? message,
        out ContractViolation? violation,
        ArrayPool<SequencedReading>? readingsPool = null)
    {
        if (payload.IsSingleSegment)
        {
            return TryRead(payload.FirstSpan, out message, out violation, readingsPool);
        }

        var reader = new Utf8JsonReader(payload, ReaderOptions);
        bool ok = TryRead(ref reader, out message, out violation, out var pending);
        if (ok && pending is not null)
        {
            var rejected = new RejectedReading[pending.Count];
            for (int i = 0; i < rejected.Length; i++)
            {
                var p = pending[i];
                rejected[i] = p.ToRejected(System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, payload.Slice(p.Start, p.End - p.Start)));
            }

            message = message! with { Rejected = rejected };
        }

        return ok;
    }

    public static bool TryRead(ReadOnlySpan<byte> payload, out TelemetryMessage? message, out ContractViolation? violation, ArrayPool<SequencedReading>? readingsPool = null)
    {
        if (TryReadCanonical(payload, out message, readingsPool))
        {
            violation = null;
            return true;
        }

        return TryReadStrict(payload, out message, out violation);
    }

    /// <summary>The general reader only (no fast path for the canonical form): for tests comparing both.</summary>
    internal static bool TryReadStrict(ReadOnlySpan<byte> payload, out TelemetryMessage? message, out ContractViolation? violation)
    {
        var reader = new Utf8JsonReader(payload, ReaderOptions);
        bool ok = TryRead(ref reader, out message, out violation, out var pending);
        if (ok && pending is not null)
        {
            var rejected = new RejectedReading[pending.Count];
            for (int i = 0; i < rejected.Length; i++)
            {
                var p = pending[i];
                rejected[i] = p.ToRejected(System.Text.Encoding.UTF8.GetString(payload[(int)p.Start..(int)p.End]));
            }

            message = message! with { Rejected = rejected };
        }

        return ok;
    }

    private static bool TryRead(ref Utf8JsonReader reader, out TelemetryMessage? message, out ContractViolation? violation, out List<PendingRejection>? pending)
    {
        message = null;
        pending = null;
        try
        {
            violation = ReadMessage(ref reader, out message, out pending);
            if (violation is null && reader.Read())
            {
                violation = new ContractViolation(ContractViolation.InvalidJson, "unexpected content after the top-level object");
                message = null;
            }
        }
        catch (JsonException ex)
        {
            violation = new ContractViolation(
                ContractViolation.InvalidJson,
                $"not valid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}: {ex.Message.Split(" LineNumber", 2)[0]}");
            message = null;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
        {
            violation = new ContractViolation(ContractViolation.InvalidJson, $"not valid UTF-8 inside a string at byte {reader.TokenStartIndex}");
            message = null;
        }

        return violation is null;
    }

    private static ContractViolation? ReadMessage(ref Utf8JsonReader reader, out TelemetryMessage? message, out List<PendingRejection>? rejected)
    {
        message = null;
        rejected = null;
        int total = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Wrong("$", "an object");
        }

        int? version = null;
        string? node = null;
        long? sent = null;
        List<SequencedReading>? readings = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("v"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int v))
                {
                    return Wrong("$.v", "an integer schema version");
                }

                if (v != TelemetryMessage.SchemaVersion)
                {
                    return new ContractViolation(
                        ContractViolation.SchemaVersion,
                        $"$.v: schema version {v} is not supported (this hub reads version {TelemetryMessage.SchemaVersion})");
                }

                version = v;
            }
            else if (reader.ValueTextEquals("node"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Wrong("$.node", "a string");
                }

                node = reader.GetString()!;
                if (!Location.IsValidId(node))
                {
                    return Invalid("$.node", $"'{Escape(node)}' is not a valid node id (lower-case letters, digits, '-' and '_', at most 64)");
                }
            }
            else if (reader.ValueTextEquals("sent"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long s))
                {
                    return Wrong("$.sent", "an integer (Unix milliseconds)");
                }

                sent = s;
            }
            else if (reader.ValueTextEquals("readings"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return Wrong("$.readings", "an array");
                }

                readings = ScratchReadings();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (total >= TelemetryMessage.MaxReadings)
                    {
                        return new ContractViolation(
                            ContractViolation.TooLarge,
                            $"$.readings: more than {TelemetryMessage.MaxReadings} readings in one message");
                    }

                    var start = reader;
                    var error = ReadReading(ref reader, total, out var item);
                    if (error is not null)
                    {
                        // One bad reading costs only itself: skip to its end (a JSON syntax error there still throws:
                        // the whole message is invalid_json) and remember where it was, for its dead letter.
                        reader = start;
                        reader.Skip();
                        var (seq, sensor) = PeekIdentity(start);
                        (rejected ??= []).Add(new PendingRejection(total, seq, sensor, error, start.TokenStartIndex, reader.BytesConsumed));
                    }
                    else
                    {
                        readings.Add(item);
                    }

                    total++;
                }
            }
            else
            {
                // Forward compatible: properties added later within v1 are ignored.
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return new ContractViolation(ContractViolation.InvalidJson, "the top-level object is not closed");
        }

        if (version is null)
        {
            return Missing("$.v");
        }

        if (node is null)
        {
            return Missing("$.node");
        }

        if (sent is null)
        {
            return Missing("$.sent");
        }

        if (readings is null)
        {
            return Missing("$.readings");
        }

        if (total == 0)
        {
            return Invalid("$.readings", "must hold at least one reading");
        }

        SequencedReading[] exact = readings.ToArray();
        message = new TelemetryMessage(node, DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(sent.Value, 0, MaxTimestampMs)), exact);
        return null;
    }

    private static ContractViolation? ReadReading(ref Utf8JsonReader reader, int index, out SequencedReading item)
    {
        item = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Wrong(ReadingPath(index, ""), "an object");
        }

        long? seq = null;
        long? ts = null;
        double? value = null;
        string? sensor = null, quantity = null, unit = null;
        Quality? quality = null;

        bool sensorKnown = false, quantityKnown = false, unitKnown = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = ReadingMemberOf(ref reader);
            if (member == ReadingMember.Seq)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long s) || s < 0)
                {
                    return Wrong(ReadingPath(index, ".seq"), "a non-negative integer");
                }

                seq = s;
            }
            else if (member == ReadingMember.Sensor)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Wrong(ReadingPath(index, ".sensor"), "a string");
                }

                sensor = SensorIds.Get(ref reader, out sensorKnown);
                if (!sensorKnown && !Location.IsValidId(sensor))
                {
                    return Invalid(ReadingPath(index, ".sensor"), $"'{Escape(sensor)}' is not a valid sensor id (lower-case letters, digits, '-' and '_', at most 64)");
                }
            }
            else if (member == ReadingMember.Quantity)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Wrong(ReadingPath(index, ".quantity"), "a string");
                }

                quantity = Quantities.Get(ref reader, out quantityKnown);
                if (!quantityKnown && !IsValidQuantity(quantity))
                {
                    return Invalid(ReadingPath(index, ".quantity"), $"'{Escape(quantity)}' is not a valid quantity (snake_case: a-z, 0-9, '_', starting with a letter, at most 64)");
                }
            }
            else if (member == ReadingMember.Value)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number)
                {
                    return Wrong(ReadingPath(index, ".value"), "a number");
                }

                if (!reader.TryGetDouble(out double v) || !double.IsFinite(v))
                {
                    return Invalid(ReadingPath(index, ".value"), "must be a finite number");
                }

                value = v;
            }
            else if (member == ReadingMember.Unit)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Wrong(ReadingPath(index, ".unit"), "a string");
                }

                unit = Units.Get(ref reader, out unitKnown);
                if (!unitKnown && !IsValidUnit(unit))
                {
                    return Invalid(ReadingPath(index, ".unit"), $"'{Escape(unit)}' is not a valid unit (at most 16 printable characters)");
                }
            }
            else if (member == ReadingMember.Ts)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long t))
                {
                    return Wrong(ReadingPath(index, ".ts"), "an integer (Unix milliseconds)");
                }

                if (t is < MinTimestampMs or > MaxTimestampMs)
                {
                    return new ContractViolation(ContractViolation.BadTimestamp, ReadingPath(index, ".ts") + ": " + $"{t} is outside 2000-01-01..2100-01-01 in Unix milliseconds (seconds sent instead of milliseconds, or an unsynchronised clock?)");
                }

                ts = t;
            }
            else if (member == ReadingMember.Quality)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Wrong(ReadingPath(index, ".quality"), "a string");
                }

                if (!TryReadQuality(ref reader, out var parsed))
                {
                    return Invalid(ReadingPath(index, ".quality"), $"'{Escape(reader.GetString()!)}' is not one of good, uncertain, bad");
                }

                quality = parsed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (seq is null) { return Missing(ReadingPath(index, ".seq")); }
        if (sensor is null) { return Missing(ReadingPath(index, ".sensor")); }
        if (quantity is null) { return Missing(ReadingPath(index, ".quantity")); }
        if (value is null) { return Missing(ReadingPath(index, ".value")); }
        if (unit is null) { return Missing(ReadingPath(index, ".unit")); }
        if (ts is null) { return Missing(ReadingPath(index, ".ts")); }
        if (quality is null) { return Missing(ReadingPath(index, ".quality")); }

        RememberNew(sensor, sensorKnown, quantity, quantityKnown, unit, unitKnown);

        item = new SequencedReading(
            seq.Value,
            new Reading(sensor, quantity, value.Value, unit, DateTimeOffset.FromUnixTimeMilliseconds(ts.Value), quality.Value));
        return null;
    }

    /// <summary>
    /// The <c>seq</c> and <c>sensor</c> of a reading that broke the contract, where they are valid, so its dead letter
    /// can name them. Reads a copy of the reader at the reading's start; never throws.
    /// </summary>
    private static (long? Seq, string? Sensor) PeekIdentity(Utf8JsonReader reader)
    {
        long? seq = null;
        string? sensor = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return (null, null);
        }

        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var member = ReadingMemberOf(ref reader);
                reader.Read();
                if (member == ReadingMember.Seq && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long s) && s >= 0)
                {
                    seq = s;
                }
                else if (member == ReadingMember.Sensor && reader.TokenType == JsonTokenType.String && reader.GetString() is { } id && Location.IsValidId(id))
                {
                    sensor = id;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
        }

        return (seq, sensor);
    }

    /// <summary>A rejected reading while the message is read: its JSON's byte range, cut out once the message is known good.</summary>
    private readonly record struct PendingRejection(int Index, long? Seq, string? Sensor, ContractViolation Violation, long Start, long End)
    {
        public RejectedReading ToRejected(string json) => new(Index, Seq, Sensor, Violation, json);
    }

    /// <summary>Remembers the validated strings of a reading that did not come from the caches (those were validated before).</summary>
    private static void RememberNew(string sensor, bool sensorKnown, string quantity, bool quantityKnown, string unit, bool unitKnown)
    {
        if (!sensorKnown)
        {
            SensorIds.Remember(sensor);
        }

        if (!quantityKnown)
        {
            Quantities.Remember(quantity);
        }

        if (!unitKnown)
        {
            Units.Remember(unit);
        }
    }

    /// <summary>This thread's reading list, emptied; one that grew for a very large message is not kept.</summary>
    private static List<SequencedReading> ScratchReadings()
    {
        var list = t_readings;
        if (list is null || list.Capacity > 1024)
        {
            list = t_readings = new List<SequencedReading>(256);
        }

        list.Clear();
        return list;
    }

    private enum ReadingMember
    {
        Other,
        Seq,
        Sensor,
        Quantity,
        Value,
        Unit,
        Ts,
        Quality,
    }

    /// <summary>Which member of a reading the current property name is: one length switch and one comparison.</summary>
    private static ReadingMember ReadingMemberOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            // Rare: compared unescaped, one by one.
            return reader.ValueTextEquals("seq"u8) ? ReadingMember.Seq
                : reader.ValueTextEquals("sensor"u8) ? ReadingMember.Sensor
                : reader.ValueTextEquals("quantity"u8) ? ReadingMember.Quantity
                : reader.ValueTextEquals("value"u8) ? ReadingMember.Value
                : reader.ValueTextEquals("unit"u8) ? ReadingMember.Unit
                : reader.ValueTextEquals("ts"u8) ? ReadingMember.Ts
                : reader.ValueTextEquals("quality"u8) ? ReadingMember.Quality
                : ReadingMember.Other;
        }

        var name = reader.ValueSpan;
        return name.Length switch
        {
            2 when name.SequenceEqual("ts"u8) => ReadingMember.Ts,
            3 when name.SequenceEqual("seq"u8) => ReadingMember.Seq,
            4 when name.SequenceEqual("unit"u8) => ReadingMember.Unit,
            5 when name.SequenceEqual("value"u8) => ReadingMember.Value,
            6 when name.SequenceEqual("sensor"u8) => ReadingMember.Sensor,
            7 when name.SequenceEqual("quality"u8) => ReadingMember.Quality,
            8 when name.SequenceEqual("quantity"u8) => ReadingMember.Quantity,
            _ => ReadingMember.Other,
        };
    }

    /// <summary>The JSON path of a reading's member, built only for an error message.</summary>
    private static string ReadingPath(int index, string member) => $"$.readings[{index}]{member}";

    private static bool TryReadQuality(ref Utf8JsonReader reader, out Quality quality)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            // The common case without a string: the three wire names compared as bytes.
            if (reader.ValueTextEquals("good"u8)) { quality = Quality.Good; return true; }
            if (reader.ValueTextEquals("uncertain"u8)) { quality = Quality.Uncertain; return true; }
            if (reader.ValueTextEquals("bad"u8)) { quality = Quality.Bad; return true; }
        }

        return QualityNames.TryParse(reader.GetString(), out quality);
    }

    /// <summary>A quantity name: snake_case, starting with a letter, at most 64 characters.</summary>
    public static bool IsValidQuantity(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64 || value[0] is < 'a' or > 'z')
        {
            return false;
        }

        foreach (char c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A unit symbol: at most 16 printable characters (e.g. <c>%</c>, <c>ug/m3</c>, <c>dB(A)</c>, <c>°C</c>).</summary>
    public static bool IsValidUnit(string? value)
    {
        if (value is null || value.Length > 16)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (char.IsControl(c) || c is '"' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    private static string Escape(string value)
    {
        string shown = value.Length > 80 ? value[..80] + "…" : value;
        return shown.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
    }

    private static ContractViolation Wrong(string path, string expected) =>
        new(ContractViolation.WrongType, $"{path}: expected {expected}");

    private static ContractViolation Invalid(string path, string detail) =>
        new(ContractViolation.InvalidValue, $"{path}: {detail}");

    private static ContractViolation Missing(string path) =>
        new(ContractViolation.MissingField, $"{path} is required");
}
