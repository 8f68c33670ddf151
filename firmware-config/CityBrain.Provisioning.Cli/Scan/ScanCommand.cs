using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CityBrain.Modbus;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain scan</c>: which Modbus unit ids answer on a TCP endpoint, or on a serial port at which baud rates; or
/// which addresses answer on an I2C bus. A progress bar on stderr; Ctrl-C stops and prints what was found (exit 130).
/// A unit "answers" when it sends any response to a one-register read of holding register 0, an exception included
/// (except a gateway's "no such target" exceptions 0A and 0B).
/// </summary>
internal static class ScanCommand
{
    /// <summary>The I2C scan behind the <c>--i2c</c> flag (see <see cref="II2cScanner"/>).</summary>
    public static II2cScanner I2cScanner { get; set; } = new PendingI2cScanner();

    public static Command Create()
    {
        var line = new ModbusLine();
        var units = new Option<string>("--units") { Description = "Unit ids to try, e.g. 1-247 or 1-10,17.", DefaultValueFactory = _ => "1-247" };
        var bauds = new Option<string>("--bauds") { Description = "RTU baud rates to try, e.g. 9600,19200.", DefaultValueFactory = _ => "9600,19200,38400" };
        var i2c = new Option<int?>("--i2c") { Description = "Scan this I2C bus number (/dev/i2c-N) instead of Modbus." };
        var command = new Command("scan", "Find Modbus units (TCP, or RTU across baud rates) or I2C addresses. Ctrl-C stops and prints what was found.") { units, bauds, i2c };
        foreach (var option in line.All)
        {
            command.Options.Add(option);
        }

        Verb.SetAction(command, "scan", async (parse, output, cancellationToken) =>
        {
            var found = new JsonArray();
            output.Result["found"] = found;
            bool interrupted = false;
            try
            {
                if (parse.GetValue(i2c) is { } bus)
                {
                    await ScanI2cAsync(bus, found, output, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    line.RequireOne(parse);
                    var unitIds = Endpoint.Range("--units", parse.GetValue(units)!, 1, 255);
                    if (parse.GetValue(line.Tcp) is not null)
                    {
                        output.Result["transport"] = "modbus-tcp";
                        await ScanModbusAsync(() => line.TcpClient(parse), null, unitIds, found, output, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        output.Result["transport"] = "modbus-rtu";
                        foreach (int baud in Endpoint.Range("--bauds", parse.GetValue(bauds)!, 300, 921_600).Where(b => b >= 1200))
                        {
                            await ScanModbusAsync(() => line.RtuClient(parse, baud), baud, unitIds, found, output, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
            }

            output.Result["interrupted"] = interrupted;
            output.Line(found.Count == 0 ? "Nothing answered." : $"{found.Count} found{(interrupted ? " before Ctrl-C" : "")}.");
            return interrupted ? ExitCodes.Interrupted : found.Count > 0 ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        return command;
    }

    private static async Task ScanModbusAsync(Func<ModbusClient> open, int? baud, IReadOnlyList<int> units, JsonArray found, CliOutput output, CancellationToken cancellationToken)
    {
        var bar = new ProgressBar(units.Count);
        var client = open();
        await using (client.ConfigureAwait(false))
        {
            try
            {
                var register = new ushort[1];
                for (int i = 0; i < units.Count; i++)
                {
                    bar.Report(i, baud is null ? $"unit {units[i]}" : $"unit {units[i]} at {baud} baud");
                    string? answer = await ProbeAsync(client, (byte)units[i], register, cancellationToken).ConfigureAwait(false);
                    if (answer is not null)
                    {
                        var entry = new JsonObject { ["unit"] = units[i], ["answer"] = answer };
                        if (baud is not null)
                        {
                            entry["baud"] = baud;
                        }

                        found.Add((JsonNode)entry);
                        bar.Finish();
                        output.Line(string.Create(CultureInfo.InvariantCulture, $"unit {units[i]}{(baud is null ? "" : $" at {baud} baud")}: {answer}"));
                    }
                }

                bar.Report(units.Count, "done");
            }
            finally
            {
                bar.Finish();
            }
        }
    }

    /// <summary>The unit's answer in words, or null when it did not answer.</summary>
    private static async Task<string?> ProbeAsync(ModbusClient client, byte unit, ushort[] register, CancellationToken cancellationToken)
    {
        try
        {
            await client.ReadHoldingRegistersAsync(unit, 0, register, cancellationToken).ConfigureAwait(false);
            return $"holding register 0 = {register[0]}";
        }
        catch (ModbusDeviceException ex) when (ex.Code is ModbusExceptionCode.GatewayPathUnavailable or ModbusExceptionCode.GatewayTargetDeviceFailedToRespond)
        {
            return null; // a gateway saying nobody is there
        }
        catch (ModbusDeviceException ex)
        {
            return $"answers (exception {ex.Message})";
        }
        catch (ModbusTimeoutException)
        {
            return null;
        }
        catch (ModbusCrcException)
        {
            return null; // garbled: another baud rate or parity
        }
        catch (ModbusProtocolException)
        {
            return null;
        }
    }

    private static async Task ScanI2cAsync(int bus, JsonArray found, CliOutput output, CancellationToken cancellationToken)
    {
        output.Result["transport"] = "i2c";
        var bar = new ProgressBar(0x77 - 0x03 + 1);
        try
        {
            var addresses = await I2cScanner.ScanAsync(bus, new Progress<int>(a => bar.Report(a - 0x03, $"address 0x{a:X2}")), cancellationToken).ConfigureAwait(false);
            foreach (int address in addresses)
            {
                found.Add((JsonNode)new JsonObject { ["bus"] = bus, ["address"] = address });
                output.Line($"i2c-{bus}: 0x{address:X2}");
            }
        }
        finally
        {
            bar.Finish();
        }
    }
}
