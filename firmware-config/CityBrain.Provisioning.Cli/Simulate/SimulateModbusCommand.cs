using System.CommandLine;
using System.Globalization;
using System.Net;
using CityBrain.Drivers.Modbus;
using CityBrain.Modbus;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain simulate modbus --template NAME|PATH [--tcp 127.0.0.1:5020] [--rtu /dev/pts/N --baud 19200]
/// [--unit 1] [--fault KIND[:ARG][@P][#UNIT]]...</c>: serves a device template with moving values.
/// </summary>
internal static class SimulateModbusCommand
{
    public static Command Create()
    {
        var template = new Option<string>("--template") { Description = "Template name (in firmware-config/templates) or path to a template JSON file.", Required = true };
        var tcp = new Option<string?>("--tcp") { Description = "Listen for Modbus TCP on HOST:PORT (default 127.0.0.1:5020 when --rtu is not given)." };
        var rtu = new Option<string?>("--rtu") { Description = "Serve Modbus RTU on this serial device or pty (e.g. /dev/pts/3)." };
        var baud = new Option<int>("--baud") { Description = "RTU baud rate.", DefaultValueFactory = _ => 19200 };
        var parity = new Option<string>("--parity") { Description = "RTU parity: even, none (ptys need none) or odd.", DefaultValueFactory = _ => "even" };
        var stopBits = new Option<int?>("--stop-bits") { Description = "RTU stop bits (default 1, or 2 with parity none)." };
        var unit = new Option<int?>("--unit") { Description = "Unit id to answer (default: the template's)." };
        var faults = new Option<string[]>("--fault") { Description = "Inject faults: exception:CODE, delay:MS, drop, crc, garbage; optional @PROBABILITY and #UNIT, e.g. --fault drop@0.1.", AllowMultipleArgumentsPerToken = false };
        var templatesDir = new Option<string?>("--templates-dir") { Description = "Folder holding the templates (default: firmware-config/templates above the current directory)." };
        var seed = new Option<int>("--seed") { Description = "Random seed for values and faults.", DefaultValueFactory = _ => 1 };
        var updateMs = new Option<int>("--update-ms") { Description = "How often values move.", DefaultValueFactory = _ => 1000 };

        var command = new Command("modbus", "Serve a device template over Modbus TCP and/or RTU with realistic moving values and optional fault injection.")
        {
            template, tcp, rtu, baud, parity, stopBits, unit, faults, templatesDir, seed, updateMs,
        };
        Verb.SetAction(command, "simulate modbus", (result, output, cancellationToken) => RunAsync(
            result.GetValue(template)!, result.GetValue(tcp), result.GetValue(rtu), result.GetValue(baud), result.GetValue(parity)!, result.GetValue(stopBits),
            result.GetValue(unit), result.GetValue(faults) ?? [], result.GetValue(templatesDir), result.GetValue(seed), result.GetValue(updateMs), output, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string templateArg, string? tcp, string? rtu, int baud, string parity, int? stopBits, int? unitArg, string[] faultSpecs, string? templatesDir, int seed, int updateMs, CliOutput output, CancellationToken cancellationToken)
    {
        string path = ResolveTemplatePath(templateArg, templatesDir);
        if (unitArg is < 1 or > 255)
        {
            throw new CliException(ExitCodes.Unreadable, $"--unit {unitArg}: a Modbus unit id is 1..247 (255 for some TCP devices)");
        }

        DeviceTemplate template;
        try
        {
            template = await TemplateLoader.LoadFileAsync(path, cancellationToken);
        }
        catch (TemplateValidationException ex)
        {
            throw new CliException(ExitCodes.Invalid, $"{path}: {ex.Message.ReplaceLineEndings(" ")}");
        }

        string vectorPath = Path.ChangeExtension(path, ".vector.json");
        var vector = File.Exists(vectorPath) ? await TemplateVector.LoadFileAsync(vectorPath, cancellationToken) : null;
        byte unit = unitArg is { } u ? (byte)u : template.DefaultUnitId;
        var injector = new SimulatorFaultInjector(faultSpecs.Select(SimulatedFault.Parse), seed);

        await using var simulator = new ModbusSimulator(injector);
        simulator.AddDevice(unit, new SimulatedDevice(template, vector, seed));
        simulator.StartUpdating(TimeSpan.FromMilliseconds(Math.Max(50, updateMs)));
        output.Line($"Simulating {template.Name} ({template.Vendor} {template.Model}) as unit {unit}, {template.Points.Count} points{(vector is null ? "" : ", starting from its test vector")}.");
        if (tcp is not null || rtu is null)
        {
            var bound = simulator.StartTcp(ParseEndpoint(tcp ?? "127.0.0.1:5020"));
            output.Line($"Listening: modbus-tcp on {bound.Address}:{bound.Port}");
        }

        if (rtu is not null)
        {
            var serialParity = parity.ToLowerInvariant() switch
            {
                "none" => SerialParity.None,
                "odd" => SerialParity.Odd,
                "even" => SerialParity.Even,
                _ => throw new CliException(ExitCodes.Unreadable, $"--parity {parity}: use even, none or odd."),
            };
            var line = new SerialLineSettings(rtu, baud, serialParity, stopBits ?? (serialParity == SerialParity.None ? 2 : 1));
            await simulator.StartRtuAsync(new SerialTransport(line), cancellationToken);
            output.Line($"Listening: modbus-rtu on {rtu} at {baud} baud, 8{char.ToUpperInvariant(parity[0])}{line.StopBits}");
        }

        foreach (string fault in faultSpecs)
        {
            output.Line($"Fault injection: {fault}");
        }

        output.Line("Press Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            output.Line("Stopped.");
        }

        output.Result["template"] = template.Name;
        output.Result["unit"] = unit;
        return ExitCodes.Ok;
    }

    private static string ResolveTemplatePath(string template, string? templatesDir)
    {
        if (File.Exists(template))
        {
            return template;
        }

        var folders = new List<string>();
        if (templatesDir is not null)
        {
            folders.Add(templatesDir);
        }

        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                folders.Add(Path.Combine(dir.FullName, "firmware-config", "templates"));
            }
        }

        foreach (string folder in folders)
        {
            string candidate = Path.Combine(folder, $"{template}.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new CliException(ExitCodes.Unreadable, $"--template {template}: no such file, and no {template}.json in {string.Join(", ", folders.Take(3))}...; pass a path or --templates-dir.");
    }

    private static IPEndPoint ParseEndpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !IPAddress.TryParse(text[..colon], out var address) || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new CliException(ExitCodes.Unreadable, $"--tcp {text}: expected HOST:PORT with a numeric address, e.g. 127.0.0.1:5020.");
        }

        return new IPEndPoint(address, port);
    }
}
