using System.Globalization;
using System.Net;
using System.Text.Json;
using CityBrain.Provisioning.Schemas;
using CityBrain.Provisioning.Validation;

namespace CityBrain.Provisioning.NodeConfig;

/// <summary>
/// Reads a node configuration and checks it completely before anything uses it: JSON syntax, the schema, then the
/// rules a schema cannot say (unique ids, references between sections, files that must exist). Every problem is
/// reported at once with its path, value and fix.
/// </summary>
public static class NodeConfigurationLoader
{
    /// <summary>The loader's settings (source-generated, <see cref="NodeConfigJsonContext"/>).</summary>
    public static JsonSerializerOptions JsonOptions => NodeConfigJsonContext.Default.Options;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Loads <paramref name="path"/>; throws <see cref="ConfigurationException"/> listing every problem.</summary>
    public static async Task<LoadedNodeConfiguration> LoadAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(path, [new ConfigError("/", null, $"cannot read the file: {ex.Message}", "check the path and the file's permissions")]);
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Parses and checks a configuration held in memory. Relative file paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static LoadedNodeConfiguration Parse(string json, string source, string? baseDirectory = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException(source, [new ConfigError(
                $"line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}",
                null,
                "not valid JSON: " + ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0],
                "fix the syntax (quotes around names and strings, commas between items)")]);
        }

        using (document)
        {
            var schemaErrors = SchemaCheck.Evaluate(EmbeddedSchemas.Get(EmbeddedSchemas.NodeConfig), document.RootElement);
            if (schemaErrors.Count > 0)
            {
                throw new ConfigurationException(source, schemaErrors);
            }

            NodeConfiguration config;
            try
            {
                config = document.RootElement.Deserialize(NodeConfigJsonContext.Default.NodeConfiguration)
                    ?? throw new JsonException("the document is null");
            }
            catch (JsonException ex)
            {
                throw new ConfigurationException(source, [new ConfigError(ex.Path ?? "/", null, ex.Message, "compare the field with the schema")]);
            }

            var warnings = new List<string>();
            var errors = CheckRules(config, baseDirectory ?? Directory.GetCurrentDirectory(), warnings);
            if (errors.Count > 0)
            {
                throw new ConfigurationException(source, errors);
            }

            return new LoadedNodeConfiguration(config, source, warnings);
        }
    }

    private static List<ConfigError> CheckRules(NodeConfiguration c, string baseDirectory, List<string> warnings)
    {
        var errors = new List<ConfigError>();
        var busIds = new Dictionary<string, BusSection>(StringComparer.Ordinal);
        for (int i = 0; i < c.Buses.Count; i++)
        {
            var bus = c.Buses[i];
            string at = $"/buses/{i}";
            if (!busIds.TryAdd(bus.Id, bus))
            {
                errors.Add(new ConfigError(at + "/id", Quote(bus.Id), "duplicate bus id", "give every bus its own id"));
            }

            if (bus.Kind == BusSection.ModbusTcp)
            {
                if (string.IsNullOrWhiteSpace(bus.Host))
                {
                    errors.Add(new ConfigError(at + "/host", null, "a modbus-tcp bus needs a host", "set \"host\" to the device's or gateway's address"));
                }

                if (bus.Port is { ValueKind: JsonValueKind.String })
                {
                    errors.Add(new ConfigError(at + "/port", bus.Port.Value.GetRawText(), "a modbus-tcp port is a TCP port number", "use a number such as 502"));
                }
                else if (bus.Port is { } p && (p.GetInt32() < 1 || p.GetInt32() > 65535))
                {
                    errors.Add(new ConfigError(at + "/port", p.GetRawText(), "TCP port out of range", "use 1..65535 (Modbus default 502)"));
                }
            }
            else if (bus.Kind == BusSection.ModbusRtu && string.IsNullOrWhiteSpace(bus.SerialPort))
            {
                errors.Add(new ConfigError(at + "/port", bus.Port?.GetRawText(), "a modbus-rtu bus needs its serial device", "set \"port\" to a path such as \"/dev/ttyUSB0\""));
            }

            if (bus.Kind == BusSection.ModbusRtu && bus.Parity == "none" && bus.StopBits == 1)
            {
                warnings.Add($"/buses/{i}: parity none with 1 stop bit is outside the Modbus RTU specification (8N2); many devices accept it anyway");
            }
        }

        var sensorIds = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < c.Sensors.Count; i++)
        {
            var s = c.Sensors[i];
            string at = $"/sensors/{i}";
            if (!sensorIds.Add(s.Id))
            {
                errors.Add(new ConfigError(at + "/id", Quote(s.Id), "duplicate sensor id", "give every sensor of the node its own id"));
            }

            if (s.JitterMs >= s.IntervalMs)
            {
                errors.Add(new ConfigError(at + "/jitterMs", s.JitterMs.ToString(CultureInfo.InvariantCulture), $"jitter must be smaller than the interval ({s.IntervalMs} ms)", "use a jitter of a few percent of the interval"));
            }

            if (s.SamplesPerPoll is < 1 or > 1000)
            {
                errors.Add(new ConfigError(at + "/samplesPerPoll", s.SamplesPerPoll.ToString(CultureInfo.InvariantCulture), "samples per poll out of range", "use 1..1000"));
            }

            if (s.Driver == SensorSection.Modbus && s.Bus is not null && !busIds.ContainsKey(s.Bus))
            {
                errors.Add(new ConfigError(at + "/bus", Quote(s.Bus), "no bus with this id", busIds.Count == 0 ? "declare the bus under \"buses\"" : $"use one of: {string.Join(", ", busIds.Keys)}"));
            }
            else if (s.Driver == SensorSection.Modbus && s.Bus is not null && s.EffectiveTimeout.TotalMilliseconds < busIds[s.Bus].TimeoutMs)
            {
                // A poll abandoned before the bus's request timeout never tells the device's breaker that the device
                // is silent, so a dead device would hold a shared line on every poll.
                var busTimeout = busIds[s.Bus].TimeoutMs.ToString(CultureInfo.InvariantCulture);
                errors.Add(s.TimeoutMs is { } t
                    ? new ConfigError(at + "/timeoutMs", t.ToString(CultureInfo.InvariantCulture), $"the poll timeout is shorter than bus '{s.Bus}' request timeout ({busTimeout} ms): a silent device would never be detected", $"set timeoutMs to at least {busTimeout} (or lower the bus's timeoutMs)")
                    : new ConfigError(at + "/intervalMs", s.IntervalMs.ToString(CultureInfo.InvariantCulture), $"without timeoutMs a poll may last one interval, shorter than bus '{s.Bus}' request timeout ({busTimeout} ms): a silent device would never be detected", $"set \"timeoutMs\": {busTimeout} or more on this sensor (polls then overrun instead of being abandoned), or lower the bus's timeoutMs"));
            }

            if (s.Driver == SensorSection.Modbus && s.Unit is 0)
            {
                errors.Add(new ConfigError(at + "/unit", "0", "unit 0 is the Modbus broadcast address: no device answers a read sent to it", "use the device's unit id (1..247, or 255 for some TCP devices)"));
            }
        }

        var m = c.Mqtt;
        if (m.ReconnectMinSeconds > m.ReconnectMaxSeconds)
        {
            errors.Add(new ConfigError("/mqtt/reconnectMinSeconds", m.ReconnectMinSeconds.ToString(CultureInfo.InvariantCulture), $"larger than reconnectMaxSeconds ({m.ReconnectMaxSeconds.ToString(CultureInfo.InvariantCulture)})", "make the minimum backoff at most the maximum"));
        }

        CheckFile(errors, "/mqtt/passwordFile", m.PasswordFile, baseDirectory, "the file with the broker password");
        CheckFile(errors, "/mqtt/tls/caFile", m.Tls.CaFile, baseDirectory, "the CA certificate (PEM) that signed the broker's certificate");
        CheckFile(errors, "/mqtt/tls/certFile", m.Tls.CertFile, baseDirectory, "the node's client certificate (PEM)");
        CheckFile(errors, "/mqtt/tls/keyFile", m.Tls.KeyFile, baseDirectory, "the node's client key (PEM)");
        if ((m.Tls.CertFile is null) != (m.Tls.KeyFile is null))
        {
            errors.Add(new ConfigError("/mqtt/tls", null, "certFile and keyFile go together", "set both for client-certificate authentication, or neither"));
        }

        if (m.PasswordFile is not null && m.Username is null)
        {
            errors.Add(new ConfigError("/mqtt/username", null, "a password file without a username", "set \"username\" (usually the node id)"));
        }

        if (m.ClientId is { } clientId && m.Username is { } username && clientId != username)
        {
            errors.Add(new ConfigError("/mqtt/clientId", Quote(clientId), $"differs from the username '{username}': the broker makes the username the client id (use_username_as_clientid)", "remove \"clientId\" (it defaults to the username) or set it to the username"));
        }

        if (!m.Tls.Enabled && !IsLoopback(m.Host))
        {
            warnings.Add($"/mqtt: TLS is off while the broker '{m.Host}' is not on this machine; production nodes must use TLS (\"tls\": {{\"enabled\": true}}) and credentials");
        }

        if (m.Tls.AllowUntrusted)
        {
            warnings.Add("/mqtt/tls/allowUntrusted is true: the broker's certificate is not checked (bench tests only)");
        }

        if (c.Buffer.Kind == BufferSection.Memory)
        {
            warnings.Add("/buffer/kind is memory: readings buffered during an outage are lost if the node restarts");
        }

        return errors;
    }

    private static void CheckFile(List<ConfigError> errors, string path, string? file, string baseDirectory, string what)
    {
        if (file is null)
        {
            return;
        }

        string full = Path.IsPathRooted(file) ? file : Path.Combine(baseDirectory, file);
        if (!File.Exists(full))
        {
            errors.Add(new ConfigError(path, Quote(file), $"file not found ({full})", $"install {what} there or correct the path"));
        }
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    private static string Quote(string value) => "\"" + value + "\"";
}
