using System.Globalization;
using System.Net;
using CityBrain.Provisioning.Registry;
using CityBrain.Sensing.Configuration;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Configuration;

/// <summary>Checks <see cref="HubOptions"/> at load; every message names the field, the value and the fix.</summary>
public sealed class HubOptionsValidator : IValidateOptions<HubOptions>
{
    public ValidateOptionsResult Validate(string? name, HubOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Check(HubOptions o) => Check(o, HubFeatures.InfluxDbClientSupported);

    /// <param name="influxDbClientSupported">Whether this build has the influxdb-client sink (<see cref="HubFeatures.InfluxDbClientSupported"/>).</param>
    public static IReadOnlyList<string> Check(HubOptions o, bool influxDbClientSupported)
    {
        var errors = new List<string>();
        void Range(string field, long value, long min, long max, string fix)
        {
            if (value < min || value > max)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Hub:{field} = {value} is out of range {min}..{max}: {fix}"));
            }
        }

        var m = o.Mqtt;
        if (string.IsNullOrWhiteSpace(m.Host))
        {
            errors.Add("Hub:Mqtt:Host is empty: set the broker's host name or address, e.g. \"127.0.0.1\"");
        }

        Range("Mqtt:Port", m.Port, 1, 65535, "use the broker's port (1883 plain, 8883 TLS)");
        Range("Mqtt:ReceiveMaximum", m.ReceiveMaximum, 1, 65535, "allow at least one unacknowledged message");
        Range("Mqtt:SocketBufferBytes", m.SocketBufferBytes, 8192, 64 * 1024 * 1024, "use e.g. 1048576 (1 MiB); the kernel caps it at net.core.rmem_max");
        Range("Mqtt:ReceiveWindowBytes", m.ReceiveWindowBytes, 65_536, 1L << 30, "use e.g. 4194304 (4 MiB): more only buys throughput with very slow writes, at the cost of memory");
        Range("Mqtt:KeepAliveSeconds", m.KeepAliveSeconds, 1, 3600, "use e.g. 15");
        Range("Mqtt:ConnectTimeoutSeconds", m.ConnectTimeoutSeconds, 1, 300, "use e.g. 10");
        Range("Mqtt:MaxReconnectDelaySeconds", m.MaxReconnectDelaySeconds, 1, 3600, "use e.g. 30");
        if (m.PersistentSession && m.SessionExpirySeconds == 0)
        {
            errors.Add("Hub:Mqtt:SessionExpirySeconds = 0 with PersistentSession = true: the broker would drop the session at disconnect and lose queued telemetry; set e.g. 691200 (8 days, longer than the 168 h an edge keeps readings)");
        }

        if (m.MaximumPacketSize <= (uint)Math.Max(0, o.MaxPayloadBytes))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Hub:Mqtt:MaximumPacketSize = {m.MaximumPacketSize} is not larger than Hub:MaxPayloadBytes = {o.MaxPayloadBytes}: the broker would drop (uncounted) messages the hub accepts; set it to MaxPayloadBytes + 4096 (e.g. 1052672) and the broker's max_packet_size to the same"));
        }

        if (!string.IsNullOrEmpty(m.ClientId) && !string.IsNullOrEmpty(m.Username) && m.ClientId != m.Username)
        {
            errors.Add($"Hub:Mqtt:ClientId = '{m.ClientId}' differs from Hub:Mqtt:Username = '{m.Username}': the shipped broker binds client ids to user names (use_username_as_clientid), so the session lives under the user name; remove ClientId or set it to the user name");
        }

        if (!string.IsNullOrEmpty(m.SharedSubscriptionGroup) && m.SharedSubscriptionGroup.IndexOfAny(['/', '+', '#']) >= 0)
        {
            errors.Add($"Hub:Mqtt:SharedSubscriptionGroup = '{m.SharedSubscriptionGroup}' contains '/', '+' or '#', which a share name must not (MQTT 5 §4.8.2): use e.g. \"citybrain-hub\"");
        }

        if (!string.IsNullOrEmpty(m.Password) && string.IsNullOrEmpty(m.Username))
        {
            errors.Add("Hub:Mqtt:Password is set without Hub:Mqtt:Username: set both or neither");
        }

        if (m.CaCertificatePath is { Length: > 0 } ca && !File.Exists(ca))
        {
            errors.Add($"Hub:Mqtt:CaCertificatePath = '{ca}' does not exist: give the PEM file of the CA that signed the broker's certificate");
        }

        if (o.Sinks.Count == 0)
        {
            errors.Add("Hub:Sinks is empty: configure at least one database, e.g. {\"kind\":\"influx-v1\",\"url\":\"http://127.0.0.1:8086\",\"database\":\"citybrain\"}");
        }

        for (int i = 0; i < o.Sinks.Count; i++)
        {
            CheckSink(o.Sinks[i], $"Sinks:{i}", errors, Range, influxDbClientSupported);
        }

        PointColumnNames.Parse(o.Columns, errors);
        Range("Batching:MaxLines", o.Batching.MaxLines, 1, 100_000, "use about 5000 (InfluxDB's recommended batch)");
        Range("Batching:MaxDelayMilliseconds", o.Batching.MaxDelayMilliseconds, 1, 60_000, "use e.g. 100");
        Range("Batching:QueueCapacity", o.Batching.QueueCapacity, 1, 1_000_000, "use e.g. 1000 messages");
        Range("Resilience:InitialRetryDelayMilliseconds", o.Resilience.InitialRetryDelayMilliseconds, 1, 60_000, "use e.g. 200");
        Range("Resilience:MaxRetryDelaySeconds", o.Resilience.MaxRetryDelaySeconds, 1, 3600, "use e.g. 30");
        Range("Resilience:BreakerMinimumThroughput", o.Resilience.BreakerMinimumThroughput, 2, 10_000, "use e.g. 4");
        Range("Resilience:BreakerSamplingSeconds", o.Resilience.BreakerSamplingSeconds, 1, 3600, "use e.g. 10");
        Range("Resilience:BreakerBreakSeconds", o.Resilience.BreakerBreakSeconds, 1, 3600, "use e.g. 5");
        if (o.Resilience.BreakerFailureRatio is <= 0 or > 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Hub:Resilience:BreakerFailureRatio = {o.Resilience.BreakerFailureRatio} must be in (0, 1]: use e.g. 0.5"));
        }

        Range("MaxPayloadBytes", o.MaxPayloadBytes, 1024, 256 * 1024 * 1024, "use e.g. 1048576 (1 MiB)");
        if (string.IsNullOrWhiteSpace(o.DeadLetters.Directory))
        {
            errors.Add("Hub:DeadLetters:Directory is empty: set a writable directory for rejected input, e.g. \"deadletters\" (under the working directory)");
        }

        Range("DeadLetters:MaxBytes", o.DeadLetters.MaxBytes, 1024 * 1024, 1L << 40, "use e.g. 268435456 (256 MiB)");
        Range("DeadLetters:SegmentBytes", o.DeadLetters.SegmentBytes, 64 * 1024, Math.Max(64 * 1024, o.DeadLetters.MaxBytes / 2), "use at most half of Hub:DeadLetters:MaxBytes, e.g. 16777216 (16 MiB)");
        Range("Ack:IntervalMilliseconds", o.Ack.IntervalMilliseconds, 10, 10_000, "use e.g. 200 (well below the nodes' publish.ackTimeoutMs)");
        Range("Ack:MaxInFlight", o.Ack.MaxInFlight, 1, 65_535, "use e.g. 64");
        Range("HttpPort", o.HttpPort, 0, 65535, "use e.g. 9180 (0 = any free port)");
        if (!IPAddress.TryParse(o.HttpBindAddress, out _))
        {
            errors.Add($"Hub:HttpBindAddress = '{o.HttpBindAddress}' is not an IP address: use \"127.0.0.1\" (or \"0.0.0.0\" behind a firewall)");
        }

        var b = o.EmbeddedBroker;
        if (b.Enabled)
        {
            Range("EmbeddedBroker:Port", b.Port, 0, 65535, "use e.g. 1883");
            if (!IPAddress.TryParse(b.BindAddress, out _))
            {
                errors.Add($"Hub:EmbeddedBroker:BindAddress = '{b.BindAddress}' is not an IP address: use \"127.0.0.1\"");
            }

            if (b.TlsCertificatePath is { Length: > 0 } pfx && !File.Exists(pfx))
            {
                errors.Add($"Hub:EmbeddedBroker:TlsCertificatePath = '{pfx}' does not exist: give a PFX file with the broker's certificate and key");
            }

            if (string.IsNullOrEmpty(b.Username) != string.IsNullOrEmpty(b.Password))
            {
                errors.Add("Hub:EmbeddedBroker:Username and Password must be set together (or both left empty for anonymous access on loopback)");
            }
        }

        if (!string.IsNullOrWhiteSpace(o.RegistryPath))
        {
            CheckRegistry(o.RegistryPath, errors);
        }

        return errors;
    }

    /// <summary>The grid registry loads: every problem of the file as path, value and fix (docs/grid-registry.md).</summary>
    private static void CheckRegistry(string path, List<string> errors)
    {
        if (!File.Exists(path))
        {
            errors.Add($"Hub:RegistryPath = '{path}' does not exist: give the grid registry file (e.g. /etc/citybrain/grids.json, see deploy/grids.example.json), or remove the setting to run without one");
            return;
        }

        try
        {
            GridRegistryLoader.Parse(File.ReadAllText(path), path);
        }
        catch (ConfigurationException ex)
        {
            errors.AddRange(ex.Errors.Select(e => $"Hub:RegistryPath = '{path}': {e}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"Hub:RegistryPath = '{path}' cannot be read ({ex.Message}): check the file's permissions");
        }
    }

    private static void CheckSink(SinkOptions s, string field, List<string> errors, Action<string, long, long, long, string> range, bool influxDbClientSupported)
    {
        if (s.Kind is not (SinkOptions.InfluxV1 or SinkOptions.InfluxV2))
        {
            errors.Add($"Hub:{field}:Kind = '{s.Kind}' is unknown: use \"{SinkOptions.InfluxV1}\" (InfluxDB 1.x /write) or \"{SinkOptions.InfluxV2}\" (v2 write API: InfluxDB 2.x/3.x, 1.8+, VictoriaMetrics)");
        }

        if (!Uri.TryCreate(s.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Hub:{field}:Url = '{s.Url}' is not an http(s) URL: use e.g. \"http://127.0.0.1:8086\"");
        }

        range(field + ":TimeoutSeconds", s.TimeoutSeconds, 1, 600, "use e.g. 10");
        if (s.Domains is { } domains)
        {
            var known = CityBrain.Sensing.Catalogue.QuantityCatalogue.Default.Entries.Select(q => q.Domain).ToHashSet(StringComparer.Ordinal);
            if (domains.Count == 0)
            {
                errors.Add($"Hub:{field}:Domains is empty: list the catalogue domains this database holds (e.g. [\"sanitation\"]), or remove it to write every point");
            }

            for (int i = 0; i < domains.Count; i++)
            {
                if (!known.Contains(domains[i]))
                {
                    errors.Add($"Hub:{field}:Domains:{i} = '{domains[i]}' is not a catalogue domain: use one of {string.Join(", ", known.Order(StringComparer.Ordinal))}");
                }
            }
        }

        range(field + ":Writers", s.Writers, 1, 64, "use 1..4 parallel writers");
        if (s.Kind == SinkOptions.InfluxV1)
        {
            if (string.IsNullOrWhiteSpace(s.Database))
            {
                errors.Add($"Hub:{field}:Database is empty: an influx-v1 sink needs the database name, e.g. \"citybrain\"");
            }

            if (string.IsNullOrEmpty(s.Password) != string.IsNullOrEmpty(s.Username))
            {
                errors.Add($"Hub:{field}:Username and Password must be set together for an influx-v1 sink");
            }
        }
        else if (s.Kind == SinkOptions.InfluxV2)
        {
            if (string.IsNullOrWhiteSpace(s.Bucket))
            {
                errors.Add($"Hub:{field}:Bucket is empty: an influx-v2 sink needs a bucket (for InfluxDB 1.8: \"database/retention-policy\")");
            }

            if (string.IsNullOrWhiteSpace(s.Org))
            {
                errors.Add($"Hub:{field}:Org is empty: an influx-v2 sink needs the organisation name (any value for 1.8 and VictoriaMetrics)");
            }

            if (s.Client is not (SinkOptions.Http or SinkOptions.InfluxDbClient))
            {
                errors.Add($"Hub:{field}:Client = '{s.Client}' is unknown: use \"{SinkOptions.Http}\" (line protocol posted as is) or \"{SinkOptions.InfluxDbClient}\" (InfluxDB.Client)");
            }
            else if (s.Client == SinkOptions.InfluxDbClient && !influxDbClientSupported)
            {
                errors.Add($"Hub:{field}:Client = '{s.Client}': {InfluxDbClientNotInBuild(s.DisplayName)}");
            }
        }
    }

    /// <summary>Why <c>influxdb-client</c> is refused in the NativeAOT build, and the fix.</summary>
    public static string InfluxDbClientNotInBuild(string sink) =>
        $"sink {sink}: client \"{SinkOptions.InfluxDbClient}\" is not in this build of citybrain-hub (NativeAOT leaves out InfluxDB.Client, which is not trim/AOT safe): use \"{SinkOptions.Http}\", which speaks the same v2 write API with the same error mapping, or run the JIT build";
}
