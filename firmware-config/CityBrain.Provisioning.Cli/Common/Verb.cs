using System.CommandLine;
using System.Security.Cryptography;
using CityBrain.Modbus;
using CityBrain.Sensing.Configuration;
using MQTTnet.Exceptions;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// Runs a verb's body with the shared contract: <c>--json</c>, documented exit codes, and every failure as one line that
/// says what to do, never a stack trace.
/// </summary>
internal static class Verb
{
    /// <summary><c>--json</c> on every verb.</summary>
    public static readonly Option<bool> Json = new("--json") { Description = "Print one JSON object (schema firmware-config/schemas/cli-output.v1.schema.json) instead of text.", Recursive = true };

    public static void SetAction(Command command, string name, Func<ParseResult, CliOutput, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new CliOutput(name, parse.GetValue(Json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            int code;
            try
            {
                code = await body(parse, output, cancellationToken).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                code = output.Fail(ex.ExitCode, ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                code = output.Fail(ExitCodes.Interrupted, "interrupted");
            }
            catch (ConfigurationException ex)
            {
                code = output.Fail(ExitCodes.Invalid, ex.Message);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                code = output.Fail(ExitCodes.Unreadable, $"{ex.Message} Check the path and its permissions.");
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or ModbusException or MqttCommunicationException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException)
            {
                code = output.Fail(ExitCodes.Unreachable, $"{ex.Message} Check the device, port or broker and try again.");
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or CryptographicException or InvalidDataException)
            {
                code = output.Fail(ExitCodes.Unreadable, $"{ex.Message} See 'citybrain {name} --help'.");
            }
            catch (Exception ex)
            {
                code = output.Fail(ExitCodes.Internal, $"unexpected {ex.GetType().Name}: {ex.Message} (a bug: please report it with the command line)");
            }

            output.Complete(code);
            return code;
        });
    }
}
