using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CityBrain.Drivers.I2c;
using CityBrain.Modbus;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain scan</c>: which Modbus unit ids answer on a TCP endpoint, or on a serial port at which baud rates; or
/// which addresses answer on an I2C bus (<see cref="I2cScan"/>, 0x08–0x77) and which known chip each likely is. A progress bar on stderr; Ctrl-C stops and prints what was found (exit 130).
/// A unit "answers" when it sends any response to a one-register read of holding register 0, an exception included
/// (except a gateway's "no such target" exceptions 0A and 0B).
/// </summary>
internal static class ScanCommand
{
    /// <param name="i2cDevices">Opens the devices of <c>--i2c N</c> (on a node: <c>/dev/i2c-N</c>).</param>
    public static Command Create(II2cDeviceFactory i2cDevices)
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
            output.Result["interrupted"] = false; // also when the scan fails (cli-output.v1 requires both)
            bool interrupted = false;
            try
            {
                if (parse.GetValue(i2c) is { } bus)
                {
                    ScanI2c(i2cDevices, bus, found, output, cancellationToken); // I2C transfers are synchronous ioctls of a millisecond or so
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
        var bar = new ProgressBar(units.Count, output.Error);
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

    private static void ScanI2c(II2cDeviceFactory i2c, int bus, JsonArray found, CliOutput output, CancellationToken cancellationToken)
    {
        if (bus < 0)
        {
            throw new CliException(ExitCodes.Unreadable, string.Create(CultureInfo.InvariantCulture, $"--i2c {bus} is not a bus number; give the N of /dev/i2c-N ('ls /dev/i2c-*' lists them; 1 on a Raspberry Pi's header)"));
        }

        output.Result["transport"] = "i2c";
        output.Result["bus"] = bus;
        var bar = new ProgressBar(I2cScan.LastAddress - I2cScan.FirstAddress + 1, output.Error);
        try
        {
            // One address per call, so Ctrl-C stops between addresses and what was found so far is printed.
            for (int address = I2cScan.FirstAddress; address <= I2cScan.LastAddress; address++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bar.Report(address - I2cScan.FirstAddress, $"address 0x{address:X2}");
                if (ProbeI2c(i2c, bus, address, cancellationToken))
                {
                    var chips = I2cScan.LikelyChips(address);
                    found.Add((JsonNode)new JsonObject { ["bus"] = bus, ["address"] = address, ["chips"] = new JsonArray([.. chips.Select(c => (JsonNode)c)]) });
                    bar.Finish();
                    output.Line($"i2c-{bus} 0x{address:X2}: {(chips.Count == 0 ? "no chip the i2c driver knows uses this address" : "likely " + string.Join(" or ", chips))}");
                }
            }

            bar.Report(I2cScan.LastAddress - I2cScan.FirstAddress + 1, "done");
        }
        finally
        {
            bar.Finish();
        }
    }

    /// <summary>Whether a device acknowledges at <paramref name="address"/>; a bus that cannot be opened is a one-line error naming it and the fix.</summary>
    private static bool ProbeI2c(II2cDeviceFactory i2c, int bus, int address, CancellationToken cancellationToken)
    {
        try
        {
            return I2cScan.Run(i2c, bus, address, address, cancellationToken).Count > 0;
        }
        catch (Exception ex) when (I2cErrors.IsUnopenableBus(ex))
        {
            string device = string.Create(CultureInfo.InvariantCulture, $"/dev/i2c-{bus}");
            throw new CliException(ExitCodes.Unreachable, File.Exists(device)
                ? $"I2C bus {bus} ({device}) exists but cannot be opened ({ex.Message.Trim()}): run as a member of group i2c (sudo usermod -aG i2c $USER, then log in again) or with sudo"
                : $"I2C bus {bus} does not exist ({device} not found): enable I2C (dtparam=i2c_arm=on in /boot/firmware/config.txt, then reboot) and load i2c-dev (sudo modprobe i2c-dev); 'ls /dev/i2c-*' lists the buses there are");
        }
    }
}
