namespace CityBrain.Sensing.Contract;

/// <summary>
/// Checks a parsed <c>status.v1</c> or <c>health.v1</c> message as strictly as <see cref="TelemetryCodec"/> checks
/// telemetry: ids and names by their patterns, every string and list bounded, counters non-negative, timestamps
/// between 1970 and 2100 (docs/mqtt-contract.md, firmware-config/schemas). The hub dead-letters a message that fails
/// with the <see cref="ContractViolation"/> these return, before anything reaches its registry.
/// </summary>
public static class NodeMessageChecks
{
    /// <summary>Most sensors one status or health message may list.</summary>
    public const int MaxSensors = 1024;

    /// <summary>Most quantities one sensor may announce.</summary>
    public const int MaxQuantities = 256;

    /// <summary>Longest boot id, driver name or fault code.</summary>
    public const int MaxShortText = 64;

    /// <summary>Longest software version.</summary>
    public const int MaxSoftware = 128;

    /// <summary>Longest error message (the node's last publish error, a sensor's last fault).</summary>
    public const int MaxErrorText = 1024;

    /// <summary>Most drop reasons in <c>buffer.dropped</c>.</summary>
    public const int MaxDropReasons = 16;

    /// <summary>Most entries in a sensor's <c>detail</c> (driver facts) in health.</summary>
    public const int MaxDetailEntries = 16;

    /// <summary>Longest value in a sensor's <c>detail</c>.</summary>
    public const int MaxDetailText = 200;

    /// <summary>Longest poll interval (one day), as the node configuration allows.</summary>
    public const long MaxIntervalMs = 86_400_000;

    /// <summary>Longest health interval in seconds (one day).</summary>
    public const int MaxHealthIntervalSeconds = 86_400;

    public static bool TryCheck(StatusMessage status, out ContractViolation? violation)
    {
        violation =
            Id("$.node", status.Node)
            ?? Timestamp("$.ts", status.Timestamp)
            ?? (status.Reason is null or "connection_lost" or "shutdown" ? null : Invalid("$.reason", $"'{Shown(status.Reason)}' is not connection_lost or shutdown"))
            ?? Text("$.boot", status.Boot, MaxShortText)
            ?? Text("$.software", status.Software, MaxSoftware)
            ?? Place(status.Location)
            ?? Sensors(status.Sensors);
        return violation is null;
    }

    public static bool TryCheck(HealthMessage health, out ContractViolation? violation)
    {
        violation =
            Id("$.node", health.Node)
            ?? Timestamp("$.ts", health.Timestamp)
            ?? Text("$.boot", health.Boot, MaxShortText)
            ?? NotNegative("$.uptimeS", health.UptimeSeconds)
            ?? NotNegative("$.memoryBytes", health.MemoryBytes)
            ?? (health.IntervalSeconds is >= 1 and <= MaxHealthIntervalSeconds ? null : Invalid("$.intervalS", $"{health.IntervalSeconds} is outside 1..{MaxHealthIntervalSeconds}"))
            ?? Buffer(health.Buffer)
            ?? Publish(health.Publish)
            ?? SensorHealths(health.Sensors);
        return violation is null;
    }

    private static ContractViolation? Place(LocationInfo? location) =>
        location is null
            ? null
            : Id("$.location.city", location.City)
                ?? Id("$.location.district", location.District)
                ?? Id("$.location.street", location.Street)
                ?? Id("$.location.grid", location.Grid);

    private static ContractViolation? Sensors(IReadOnlyList<SensorInfo>? sensors) =>
        sensors is null ? null : EachSensor(sensors, static (path, s) => Id(path + ".id", s.Id)
            ?? Required(path + ".driver", s.Driver)
            ?? Text(path + ".driver", s.Driver, MaxShortText)
            ?? (s.IntervalMs is >= 1 and <= MaxIntervalMs ? null : Invalid(path + ".intervalMs", $"{s.IntervalMs} is outside 1..{MaxIntervalMs}"))
            ?? Quantities(path + ".quantities", s.Quantities));

    /// <summary>The <c>$.sensors</c> list of a status or health message: at most <see cref="MaxSensors"/>, no null entry, each checked.</summary>
    private static ContractViolation? EachSensor<T>(IReadOnlyList<T> sensors, Func<string, T, ContractViolation?> check)
        where T : class
    {
        if (sensors.Count > MaxSensors)
        {
            return TooMany("$.sensors", sensors.Count, MaxSensors);
        }

        for (int i = 0; i < sensors.Count; i++)
        {
            string path = $"$.sensors[{i}]";
            if ((sensors[i] is null ? Wrong(path, "an object") : check(path, sensors[i])) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static ContractViolation? Quantities(string path, IReadOnlyList<QuantityEntry>? quantities)
    {
        if (quantities is null)
        {
            return Missing(path);
        }

        if (quantities.Count > MaxQuantities)
        {
            return TooMany(path, quantities.Count, MaxQuantities);
        }

        for (int i = 0; i < quantities.Count; i++)
        {
            var q = quantities[i];
            if (q is null)
            {
                return Wrong($"{path}[{i}]", "an object");
            }

            if (!TelemetryCodec.IsValidQuantity(q.Quantity))
            {
                return Invalid($"{path}[{i}].quantity", $"'{Shown(q.Quantity)}' is not a quantity name (snake_case, at most 64 characters)");
            }

            if (!TelemetryCodec.IsValidUnit(q.Unit))
            {
                return Invalid($"{path}[{i}].unit", $"'{Shown(q.Unit)}' is not a unit (at most 16 printable characters)");
            }
        }

        return null;
    }

    private static ContractViolation? Buffer(BufferHealth? buffer)
    {
        if (buffer is null)
        {
            return Missing("$.buffer");
        }

        if (buffer.Kind is not ("disk" or "memory"))
        {
            return Invalid("$.buffer.kind", $"'{Shown(buffer.Kind)}' is not disk or memory");
        }

        var problem = NotNegative("$.buffer.readings", buffer.Readings)
            ?? NotNegative("$.buffer.bytes", buffer.Bytes)
            ?? NotNegative("$.buffer.nextSeq", buffer.NextSeq)
            ?? NotNegative("$.buffer.bytesWritten", buffer.BytesWritten)
            ?? Finite("$.buffer.oldestAgeS", buffer.OldestAgeSeconds);
        if (problem is not null)
        {
            return problem;
        }

        if (buffer.Dropped is null)
        {
            return Missing("$.buffer.dropped");
        }

        if (buffer.Dropped.Count > MaxDropReasons)
        {
            return TooMany("$.buffer.dropped", buffer.Dropped.Count, MaxDropReasons);
        }

        foreach (var (reason, count) in buffer.Dropped)
        {
            if (!TelemetryCodec.IsValidQuantity(reason))
            {
                return Invalid("$.buffer.dropped", $"'{Shown(reason)}' is not a drop reason (snake_case, at most 64 characters)");
            }

            if (NotNegative($"$.buffer.dropped.{reason}", count) is { } negative)
            {
                return negative;
            }
        }

        return null;
    }

    private static ContractViolation? Publish(PublishHealth? publish) =>
        publish is null
            ? Missing("$.publish")
            : NotNegative("$.publish.reconnects", publish.Reconnects)
                ?? NotNegative("$.publish.messages", publish.Messages)
                ?? NotNegative("$.publish.readings", publish.Readings)
                ?? NotNegative("$.publish.noSubscribers", publish.NoSubscribers)
                ?? NotNegative("$.publish.awaitingHub", publish.AwaitingHub ?? 0)
                ?? NotNegative("$.publish.resent", publish.Resent ?? 0)
                ?? Finite("$.publish.latencyP50Ms", publish.LatencyP50Ms)
                ?? Finite("$.publish.latencyP99Ms", publish.LatencyP99Ms)
                ?? Text("$.publish.lastError", publish.LastError, MaxErrorText, lines: true);

    private static ContractViolation? SensorHealths(IReadOnlyList<SensorHealth>? sensors) =>
        sensors is null ? Missing("$.sensors") : EachSensor(sensors, static (path, s) => Id(path + ".id", s.Id)
            ?? (s.Status is SensorHealth.Ok or SensorHealth.Fault or SensorHealth.Idle ? null : Invalid(path + ".status", $"'{Shown(s.Status)}' is not ok, fault or idle"))
            ?? (s.LastReadingTs is { } ts ? Timestamp(path + ".lastReadingTs", ts) : null)
            ?? Fault(path + ".lastError", s.LastError)
            ?? NotNegative(path + ".sampled", s.Sampled)
            ?? NotNegative(path + ".filtered", s.Filtered)
            ?? NotNegative(path + ".faults", s.Faults)
            ?? NotNegative(path + ".overruns", s.Overruns)
            ?? NotNegative(path + ".events", s.Events)
            ?? Detail(path + ".detail", s.Detail));

    /// <summary>A sensor's driver facts: at most <see cref="MaxDetailEntries"/> entries, keys like fault codes, values short single-line strings.</summary>
    private static ContractViolation? Detail(string path, IReadOnlyDictionary<string, string>? detail)
    {
        if (detail is null)
        {
            return null;
        }

        if (detail.Count > MaxDetailEntries)
        {
            return TooMany(path, detail.Count, MaxDetailEntries);
        }

        foreach (var (key, value) in detail)
        {
            if (key.Length == 0 || Text(path, key, MaxShortText) is not null)
            {
                return Invalid(path, $"key '{Shown(key)}' is not a name (1 to {MaxShortText} characters, no control characters)");
            }

            if (value is null)
            {
                return Wrong($"{path}.{Shown(key)}", "a string");
            }

            if (Text($"{path}.{key}", value, MaxDetailText) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static ContractViolation? Fault(string path, FaultInfo? fault) =>
        fault is null
            ? null
            : Required(path + ".code", fault.Code)
                ?? Text(path + ".code", fault.Code, MaxShortText)
                ?? Required(path + ".message", fault.Message)
                ?? Text(path + ".message", fault.Message, MaxErrorText, lines: true)
                ?? Timestamp(path + ".ts", fault.Timestamp);

    private static ContractViolation? Id(string path, string? value) =>
        value is null ? Missing(path)
        : Location.IsValidId(value) ? null
        : Invalid(path, $"'{Shown(value)}' is not an id (lower-case letters, digits, '-' and '_', at most 64 characters)");

    private static ContractViolation? Timestamp(string path, long ms) =>
        ms is >= 0 and <= TelemetryCodec.MaxTimestampMs ? null : Invalid(path, $"{ms} is not a Unix time in milliseconds between 1970 and 2100");

    private static ContractViolation? NotNegative(string path, long value) =>
        value >= 0 ? null : Invalid(path, $"{value} is negative");

    private static ContractViolation? Finite(string path, double value) =>
        double.IsFinite(value) && value >= 0 ? null : Invalid(path, $"{value} is not a finite number >= 0");

    private static ContractViolation? Required(string path, string? value) => value is null ? Missing(path) : null;

    /// <summary>An optional free text: at most <paramref name="max"/> characters, no control characters (but line breaks and tabs when <paramref name="lines"/>: error messages).</summary>
    private static ContractViolation? Text(string path, string? value, int max, bool lines = false)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > max)
        {
            return Invalid(path, $"{value.Length} characters, more than {max}");
        }

        foreach (char c in value)
        {
            if (char.IsControl(c) && !(lines && c is '\n' or '\r' or '\t'))
            {
                return Invalid(path, "contains a control character");
            }
        }

        return null;
    }

    /// <summary>The value as shown in a reason: cut to 80 characters, so a dead letter never carries the whole attack.</summary>
    private static string Shown(string? value) => value is null ? "null" : value.Length > 80 ? value[..80] + "…" : value;

    private static ContractViolation TooMany(string path, int count, int max) =>
        new(ContractViolation.TooLarge, $"{path}: {count} entries, more than {max}");

    private static ContractViolation Invalid(string path, string detail) => new(ContractViolation.InvalidValue, $"{path}: {detail}");

    private static ContractViolation Wrong(string path, string expected) => new(ContractViolation.WrongType, $"{path}: expected {expected}");

    private static ContractViolation Missing(string path) => new(ContractViolation.MissingField, $"{path} is required");
}
