using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CityBrain.Modbus;
using CityBrain.Sensing;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain read</c>: one sensor of a configuration read now and decoded (built by the node's driver registry, polled
/// once), or a raw register range; <c>--word-orders</c> shows the registers in all four word orders side by side.
/// </summary>
internal static class ReadCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Node configuration: read one of its sensors (with --sensor)." };
        var sensor = new Option<string?>("--sensor") { Description = "The sensor id in --config." };
        var line = new ModbusLine();
        var baud = new Option<int>("--baud") { Description = "RTU baud rate.", DefaultValueFactory = _ => 19200 };
        var unit = new Option<int>("--unit") { Description = "Modbus unit id (1..247; 255 for some TCP devices).", DefaultValueFactory = _ => 1 };
        var address = new Option<int>("--address") { Description = "First register (0-based protocol address).", DefaultValueFactory = _ => 0 };
        var count = new Option<int>("--count") { Description = "How many registers (1..125).", DefaultValueFactory = _ => 2 };
        var table = new Option<string>("--table") { Description = "holding or input.", DefaultValueFactory = _ => "holding" };
        var wordOrders = new Option<bool>("--word-orders") { Description = "Show the registers decoded in all four word orders (ABCD, DCBA, BADC, CDAB)." };
        var command = new Command("read", "Read one sensor of a configuration now, or a register range, and decode it.")
        {
            config, sensor, baud, unit, address, count, table, wordOrders, ValidateCommand.TemplatesDir,
        };
        foreach (var option in line.All)
        {
            command.Options.Add(option);
        }

        Verb.SetAction(command, "read", async (parse, output, cancellationToken) =>
        {
            if (parse.GetValue(config) is { } configPath)
            {
                return await ReadSensorAsync(configPath, parse.GetValue(sensor), parse.GetValue(ValidateCommand.TemplatesDir), output, cancellationToken).ConfigureAwait(false);
            }

            line.RequireOne(parse);
            int u = parse.GetValue(unit), start = parse.GetValue(address), n = parse.GetValue(count);
            if (u is < 1 or > 255 || start is < 0 or > 65535 || n is < 1 or > 125 || start + n > 65536)
            {
                throw new CliException(ExitCodes.Unreadable, $"--unit {u} --address {start} --count {n}: use a unit 1..255, an address 0..65535 and a count 1..125 within the address space");
            }

            var modbusTable = parse.GetValue(table) switch
            {
                "holding" => ModbusTable.HoldingRegister,
                "input" => ModbusTable.InputRegister,
                var other => throw new CliException(ExitCodes.Unreadable, $"--table {other}: use holding or input"),
            };
            var client = parse.GetValue(line.Tcp) is not null ? line.TcpClient(parse) : line.RtuClient(parse, parse.GetValue(baud));
            await using (client.ConfigureAwait(false))
            {
                var registers = new ushort[n];
                try
                {
                    await client.ReadAsync((byte)u, modbusTable, (ushort)start, registers, cancellationToken).ConfigureAwait(false);
                }
                catch (ModbusDeviceException ex)
                {
                    throw new CliException(ExitCodes.Invalid, $"unit {u} answered with an exception: {ex.Message}; check --address/--count against the device's register map (citybrain templates show)");
                }

                output.Result["unit"] = u;
                output.Result["table"] = parse.GetValue(table);
                output.Result["address"] = start;
                output.Result["registers"] = new JsonArray([.. registers.Select(r => (JsonNode)JsonValue.Create(r))]);
                output.Line($"unit {u}, {parse.GetValue(table)} registers {start}..{start + n - 1}:");
                output.Line(string.Join(" ", registers.Select((r, i) => string.Create(CultureInfo.InvariantCulture, $"[{start + i}] {r} (0x{r:X4})"))));
                if (parse.GetValue(wordOrders))
                {
                    output.Line();
                    output.Result["wordOrders"] = WordOrderTable.Build((ushort)start, registers, output);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<int> ReadSensorAsync(string path, string? sensorId, string? templatesDir, CliOutput output, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.Unreadable, $"--config {path}: no such file");
        }

        var (loaded, errors) = await ValidateCommand.CheckAsync(path, templatesDir, cancellationToken).ConfigureAwait(false);
        if (loaded is null)
        {
            throw new CliException(ExitCodes.Invalid, $"{path} is invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}, first: {errors[0]}); run 'citybrain validate {path}'");
        }

        var configured = loaded.Sensors.FirstOrDefault(s => s.Spec.Id == sensorId)
            ?? throw new CliException(ExitCodes.Unreadable, $"--sensor {sensorId ?? "(missing)"}: use one of: {string.Join(", ", loaded.Sensors.Select(s => s.Spec.Id))}");
        var drivers = Drivers.Create(templatesDir);
        drivers.TryGetDriver(configured.Spec.Driver, out var definition);
        var hardware = new HardwareContext(TimeProvider.System, null, loaded.Buses);
        await using (hardware.ConfigureAwait(false))
        {
            var driver = await definition.CreateAsync(configured, hardware, cancellationToken).ConfigureAwait(false);
            await using (driver.ConfigureAwait(false))
            {
                var collector = new ListCollector();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(configured.Spec.Timeout);
                try
                {
                    await driver.PollAsync(collector, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    collector.AddFault(new SensorFault(configured.Spec.Id, "timeout", $"no answer within {configured.Spec.Timeout.TotalMilliseconds:0} ms", DateTimeOffset.UtcNow));
                }

                output.Result["sensor"] = configured.Spec.Id;
                output.Result["driver"] = configured.Spec.Driver;
                output.Result["readings"] = new JsonArray([.. collector.Readings.Select(r => (JsonNode)new JsonObject
                {
                    ["quantity"] = r.Quantity, ["value"] = r.Value, ["unit"] = r.Unit, ["quality"] = r.Quality.ToString().ToLowerInvariant(), ["ts"] = r.TimestampMs,
                })]);
                output.Result["faults"] = new JsonArray([.. collector.Faults.Select(f => (JsonNode)new JsonObject { ["code"] = f.Code, ["message"] = f.Message })]);
                output.Line($"{configured.Spec.Id} ({configured.Spec.Driver}): {collector.Readings.Count} reading{(collector.Readings.Count == 1 ? "" : "s")}, {collector.Faults.Count} fault{(collector.Faults.Count == 1 ? "" : "s")}");
                foreach (var r in collector.Readings)
                {
                    output.Line(string.Create(CultureInfo.InvariantCulture, $"  {r.Quantity,-22} {r.Value,12:G7} {r.Unit,-8} {r.Quality}"));
                }

                foreach (var f in collector.Faults)
                {
                    output.Line($"  fault {f.Code}: {f.Message}");
                }

                return collector.Readings.Count > 0 ? ExitCodes.Ok : ExitCodes.Unreachable;
            }
        }
    }

    private sealed class ListCollector : IReadingCollector
    {
        public List<Reading> Readings { get; } = [];

        public List<SensorFault> Faults { get; } = [];

        public void Add(in Reading reading) => Readings.Add(reading);

        public void AddFault(SensorFault fault) => Faults.Add(fault);
    }
}
