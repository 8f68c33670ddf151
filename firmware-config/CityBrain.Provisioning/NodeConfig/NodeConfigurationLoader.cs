using System.Globalization;
using System.Net;
using System.Text.Json;
using CityBrain.Provisioning.Schemas;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Drivers;

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
    /// <param name="drivers">The drivers this build has: they check their own sensors' and buses' fields.</param>
    public static async Task<LoadedNodeConfiguration> LoadAsync(string path, DriverRegistry drivers, CancellationToken cancellationToken)
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

        return Parse(text, path, drivers, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Parses and checks a configuration held in memory. Relative file paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static LoadedNodeConfiguration Parse(string json, string source, DriverRegistry drivers, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(drivers);
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
            var schemaErrors = SchemaCheck.Evaluate(NodeConfigSchema.For(drivers), document.RootElement);
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

            string baseDir = baseDirectory ?? Directory.GetCurrentDirectory();
            var warnings = new List<string>();
            var errors = CheckRules(config, baseDir, warnings);
            var (sensors, buses) = CheckDrivers(config, document.RootElement, drivers, baseDir, errors, warnings);
            if (errors.Count > 0)
            {
                throw new ConfigurationException(source, errors);
            }

            return new LoadedNodeConfiguration(config, source, warnings) { Sensors = sensors, Buses = buses, BaseDirectory = baseDir };
        }
    }

    /// <summary>
    /// The checks that need files or I/O (device templates and the like), driver by driver; throws
    /// <see cref="ConfigurationException"/> listing every problem. The node runs them at start, <c>citybrain validate</c> too.
    /// </summary>
    public static async Task CheckResourcesAsync(LoadedNodeConfiguration loaded, DriverRegistry drivers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(drivers);
        var context = new DriverConfigContext(loaded.BaseDirectory, loaded.Buses);
        foreach (var group in loaded.Sensors.GroupBy(s => s.Spec.Driver, StringComparer.Ordinal))
        {
            if (drivers.TryGetDriver(group.Key, out var definition))
            {
                await definition.CheckResourcesAsync([.. group], context, cancellationToken).ConfigureAwait(false);
            }
        }

        if (context.Errors.Count > 0)
        {
            throw new ConfigurationException(loaded.Source, context.Errors);
        }
    }

    /// <summary>Each bus kind and each driver reads and checks its own fields; then each driver checks its sensors together.</summary>
    private static (List<ConfiguredSensor> Sensors, Dictionary<string, ConfiguredBus> Buses) CheckDrivers(
        NodeConfiguration c, JsonElement root, DriverRegistry drivers, string baseDirectory, List<ConfigError> errors, List<string> warnings)
    {
        var buses = new Dictionary<string, ConfiguredBus>(StringComparer.Ordinal);
        var context = new DriverConfigContext(baseDirectory, buses);
        if (root.TryGetProperty("buses", out var busArray))
        {
            for (int i = 0; i < c.Buses.Count; i++)
            {
                var bus = c.Buses[i];
                var spec = new BusSpec(bus.Id, bus.Kind, $"/buses/{i}");
                if (!drivers.TryGetBusKind(bus.Kind, out var kind))
                {
                    context.Error(spec.Path + "/kind", bus.Kind, "no driver of this build brings this bus kind", $"use one of: {string.Join(", ", drivers.BusKinds.Select(k => k.Kind))}");
                }
                else if (kind.ReadOptions(busArray[i], spec, context) is { } options && !buses.ContainsKey(bus.Id))
                {
                    buses[bus.Id] = new ConfiguredBus(spec, options);
                }
            }
        }

        var sensors = new List<ConfiguredSensor>(c.Sensors.Count);
        var sensorArray = root.GetProperty("sensors");
        for (int i = 0; i < c.Sensors.Count; i++)
        {
            var s = c.Sensors[i];
            var spec = new SensorSpec(s.Id, s.Driver, $"/sensors/{i}", s.Interval, s.EffectiveTimeout, s.TimeoutMs is not null);
            if (!drivers.TryGetDriver(s.Driver, out var definition))
            {
                context.Error(spec.Path + "/driver", s.Driver, "no such driver in this build", $"use one of: {string.Join(", ", drivers.Drivers.Select(d => d.Name))}");
            }
            else if (definition.ReadOptions(sensorArray[i], spec, context) is { } options)
            {
                sensors.Add(new ConfiguredSensor(spec, options));
            }
        }

        foreach (var group in sensors.GroupBy(s => s.Spec.Driver, StringComparer.Ordinal))
        {
            drivers.TryGetDriver(group.Key, out var definition);
            definition.CheckNode([.. group], context);
        }

        errors.AddRange(context.Errors);
        warnings.AddRange(context.Warnings);
        return (sensors, buses);
    }

    private static List<ConfigError> CheckRules(NodeConfiguration c, string baseDirectory, List<string> warnings)
    {
        var errors = new List<ConfigError>();
        var busIds = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < c.Buses.Count; i++)
        {
            if (!busIds.Add(c.Buses[i].Id))
            {
                errors.Add(new ConfigError($"/buses/{i}/id", Quote(c.Buses[i].Id), "duplicate bus id", "give every bus its own id"));
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
