using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Configuration;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain init</c>: a node configuration from flags, or prompts for what is missing when a person is at the
/// keyboard; checked with the node's own loader before it is written, so what is written validates.
/// </summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Where to write the configuration.", DefaultValueFactory = _ => "node.json" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var node = new Option<string?>("--node") { Description = "Node id, e.g. n-harbour-01 (lower-case letters, digits, '-', '_')." };
        var city = new Option<string?>("--city") { Description = "City id." };
        var district = new Option<string?>("--district") { Description = "District id (an MQTT topic level)." };
        var street = new Option<string?>("--street") { Description = "Street id." };
        var grid = new Option<string?>("--grid") { Description = "Grid cell id (an MQTT topic level)." };
        var revision = new Option<long>("--revision") { Description = "Configuration revision.", DefaultValueFactory = _ => 1 };
        var broker = new Option<string?>("--broker") { Description = "MQTT broker HOST[:PORT] (default port 8883 with --tls, else 1883)." };
        var tls = new Option<bool>("--tls") { Description = "Connect with TLS (production)." };
        var ca = new Option<string?>("--ca") { Description = "CA certificate (PEM) that signed the broker's certificate." };
        var serverName = new Option<string?>("--server-name") { Description = "The broker certificate's name when it differs from the host." };
        var username = new Option<string?>("--username") { Description = "Broker user name (usually the node id)." };
        var passwordFile = new Option<string?>("--password-file") { Description = "File holding the broker password." };
        var bufferPath = new Option<string>("--buffer-path") { Description = "Disk buffer folder.", DefaultValueFactory = _ => "/var/lib/citybrain/buffer" };
        var deliveryAck = new Option<string>("--delivery-ack")
        {
            Description = "When readings leave the node's buffer: hub (stored by the hub, end-to-end; as shipped) or broker (at the broker's PUBACK, for a consumer that is not a CityBrain hub).",
            DefaultValueFactory = _ => "hub",
        };
        deliveryAck.AcceptOnlyFromAmong("hub", "broker");
        var buses = new Option<string[]>("--bus") { Description = "A bus: ID=modbus-tcp:HOST:PORT or ID=modbus-rtu:DEVICE[:BAUD[:PARITY]] (repeat).", AllowMultipleArgumentsPerToken = false };
        var sensors = new Option<string[]>("--sensor") { Description = "A sensor: ID=TEMPLATE@BUS/UNIT[:INTERVAL_MS] (Modbus, see 'templates list') or ID=simulated:KIND[:INTERVAL_MS] (repeat).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("init", "Write a node configuration from flags (or prompts) that validates.")
        {
            output, force, node, city, district, street, grid, revision, broker, tls, ca, serverName, username, passwordFile, bufferPath, deliveryAck, buses, sensors, ValidateCommand.TemplatesDir,
        };
        Verb.SetAction(command, "init", async (parse, cli, cancellationToken) =>
        {
            string path = parse.GetValue(output)!;
            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new CliException(ExitCodes.Unreadable, $"{path} exists already; pass --force to overwrite it or -o another file");
            }

            var prompt = new Prompter(cli);
            string nodeId = prompt.Required(parse.GetValue(node), "--node", "Node id (e.g. n-harbour-01)");
            var (host, port) = Endpoint.Parse("--broker", prompt.Required(parse.GetValue(broker), "--broker", "MQTT broker HOST[:PORT]"), parse.GetValue(tls) ? 8883 : 1883);
            var mqtt = new JsonObject { ["host"] = host, ["port"] = port };
            Put(mqtt, "username", parse.GetValue(username));
            Put(mqtt, "passwordFile", parse.GetValue(passwordFile));
            if (parse.GetValue(tls))
            {
                var tlsSection = new JsonObject { ["enabled"] = true };
                Put(tlsSection, "caFile", parse.GetValue(ca));
                Put(tlsSection, "serverName", parse.GetValue(serverName));
                mqtt["tls"] = tlsSection;
            }

            var sensorSpecs = parse.GetValue(sensors) is { Length: > 0 } given ? given : prompt.List("--sensor", "Sensor (ID=TEMPLATE@BUS/UNIT or ID=simulated:KIND)");
            var config = new JsonObject
            {
                ["$schema"] = "https://citybrain.example/schemas/node-config.v1.schema.json",
                ["version"] = 1,
                ["revision"] = parse.GetValue(revision),
                ["node"] = new JsonObject
                {
                    ["id"] = nodeId,
                    ["location"] = new JsonObject
                    {
                        ["city"] = prompt.Required(parse.GetValue(city), "--city", "City id"),
                        ["district"] = prompt.Required(parse.GetValue(district), "--district", "District id"),
                        ["street"] = prompt.Required(parse.GetValue(street), "--street", "Street id"),
                        ["grid"] = prompt.Required(parse.GetValue(grid), "--grid", "Grid cell id"),
                    },
                },
                ["mqtt"] = mqtt,
                ["buffer"] = new JsonObject { ["kind"] = "disk", ["path"] = parse.GetValue(bufferPath), ["maxMegabytes"] = 256 },
                // As shipped: readings leave the node's buffer when the hub has stored them, not at the broker's PUBACK.
                ["publish"] = new JsonObject { ["deliveryAck"] = parse.GetValue(deliveryAck) },
                ["buses"] = new JsonArray([.. (parse.GetValue(buses) ?? []).Select(Bus)]),
                ["sensors"] = new JsonArray([.. sensorSpecs.Select(Sensor)]),
            };
            string text = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

            string full = Path.GetFullPath(path);
            var drivers = Drivers.Create(parse.GetValue(ValidateCommand.TemplatesDir));
            LoadedNodeConfiguration? loaded = null;
            IReadOnlyList<ConfigError> errors = [];
            try
            {
                loaded = NodeConfigurationLoader.Parse(text, path, drivers, Path.GetDirectoryName(full));
                await NodeConfigurationLoader.CheckResourcesAsync(loaded, drivers, cancellationToken).ConfigureAwait(false);
            }
            catch (ConfigurationException ex)
            {
                loaded = null;
                errors = ex.Errors;
            }

            if (loaded is null)
            {
                cli.Line("Not written: the configuration from these flags would not validate.");
                return ValidateCommand.Report(cli, path, null, errors);
            }

            await File.WriteAllTextAsync(full, text, cancellationToken).ConfigureAwait(false);
            cli.Result["written"] = full;
            cli.Line($"Wrote {full}.");
            return ValidateCommand.Report(cli, path, loaded, errors);
        });
        return command;
    }

    private static void Put(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }

    /// <summary>ID=modbus-tcp:HOST:PORT or ID=modbus-rtu:DEVICE[:BAUD[:PARITY]].</summary>
    private static JsonNode Bus(string spec)
    {
        string[] idRest = spec.Split('=', 2);
        string[] parts = idRest.Length == 2 ? idRest[1].Split(':') : [];
        if (parts.Length >= 2 && parts[0] == "modbus-tcp")
        {
            var (host, port) = Endpoint.Parse("--bus", string.Join(':', parts[1..]), 502);
            return new JsonObject { ["id"] = idRest[0], ["kind"] = "modbus-tcp", ["host"] = host, ["port"] = port };
        }

        if (parts.Length >= 2 && parts[0] == "modbus-rtu")
        {
            var bus = new JsonObject { ["id"] = idRest[0], ["kind"] = "modbus-rtu", ["port"] = parts[1] };
            if (parts.Length > 2)
            {
                bus["baud"] = int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int baud) ? baud : throw Usage("--bus", spec, "the baud rate is a number, e.g. 19200");
            }

            if (parts.Length > 3)
            {
                bus["parity"] = parts[3];
            }

            return bus;
        }

        throw Usage("--bus", spec, "use ID=modbus-tcp:HOST:PORT or ID=modbus-rtu:DEVICE[:BAUD[:PARITY]], e.g. plc-1=modbus-tcp:10.0.0.5:502");
    }

    /// <summary>ID=TEMPLATE@BUS/UNIT[:INTERVAL_MS] or ID=simulated:KIND[:INTERVAL_MS].</summary>
    private static JsonNode Sensor(string spec)
    {
        string[] idRest = spec.Split('=', 2);
        if (idRest.Length != 2 || idRest[0].Length == 0)
        {
            throw Usage("--sensor", spec, "use ID=TEMPLATE@BUS/UNIT[:INTERVAL_MS] or ID=simulated:KIND[:INTERVAL_MS], e.g. weather-1=weather-station-ws100@plc-1/3");
        }

        string rest = idRest[1];
        int interval = 5000;
        int colon = rest.LastIndexOf(':');
        if (colon > 0 && int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int ms))
        {
            interval = ms;
            rest = rest[..colon];
        }

        if (rest.StartsWith("simulated:", StringComparison.Ordinal))
        {
            return new JsonObject { ["id"] = idRest[0], ["driver"] = "simulated", ["kind"] = rest["simulated:".Length..], ["intervalMs"] = interval };
        }

        string[] templateBus = rest.Split('@', 2);
        string[] busUnit = templateBus.Length == 2 ? templateBus[1].Split('/', 2) : [];
        if (busUnit.Length != 2 || !int.TryParse(busUnit[1], NumberStyles.None, CultureInfo.InvariantCulture, out int unit))
        {
            throw Usage("--sensor", spec, "use ID=TEMPLATE@BUS/UNIT[:INTERVAL_MS], e.g. weather-1=weather-station-ws100@plc-1/3");
        }

        return new JsonObject { ["id"] = idRest[0], ["driver"] = "modbus", ["template"] = templateBus[0], ["bus"] = busUnit[0], ["unit"] = unit, ["intervalMs"] = interval };
    }

    private static CliException Usage(string flag, string value, string fix) => new(ExitCodes.Unreadable, $"{flag} {value}: {fix}");

    /// <summary>Asks for what the flags did not give, when a person is at the keyboard; otherwise says which flag is missing.</summary>
    private sealed class Prompter(CliOutput output)
    {
        private readonly bool _interactive = !Console.IsInputRedirected && !output.Json;

        public string Required(string? given, string flag, string question)
        {
            if (!string.IsNullOrWhiteSpace(given))
            {
                return given;
            }

            if (!_interactive)
            {
                throw new CliException(ExitCodes.Unreadable, $"{flag} is missing; give it on the command line (or run init at a terminal to be asked)");
            }

            Console.Error.Write(question + ": ");
            string? answer = Console.In.ReadLine()?.Trim();
            return string.IsNullOrEmpty(answer) ? Required(null, flag, question) : answer;
        }

        public string[] List(string flag, string question)
        {
            if (!_interactive)
            {
                throw new CliException(ExitCodes.Unreadable, $"{flag} is missing; give at least one sensor, e.g. --sensor env-01=simulated:environment");
            }

            var items = new List<string>();
            while (true)
            {
                Console.Error.Write($"{question}, empty to finish: ");
                string? answer = Console.In.ReadLine()?.Trim();
                if (string.IsNullOrEmpty(answer))
                {
                    return items.Count > 0 ? [.. items] : List(flag, question);
                }

                items.Add(answer);
            }
        }
    }
}
