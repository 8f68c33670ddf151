using System.CommandLine;
using CityBrain.Drivers.I2c;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// The command's entry point: <c>Program.cs</c> runs it on the real console with the real I2C buses (<c>/dev/i2c-N</c>);
/// tests run it in-process with simulated I2C chips and captured output.
/// </summary>
internal static class CliApp
{
    /// <summary>Parses <paramref name="args"/> and runs the verb; returns the exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="i2c">Opens the I2C devices <c>scan --i2c</c> probes.</param>
    /// <param name="output">stdout (results, --json); the console's when null.</param>
    /// <param name="error">stderr (progress, errors); the console's when null.</param>
    public static async Task<int> RunAsync(string[] args, II2cDeviceFactory i2c, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("citybrain: the CityBrain Edge technicians' tool (docs/technicians.md). " + ExitCodes.Help);
        root.Options.Add(Verb.Json);
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(TemplatesCommand.Create());
        root.Subcommands.Add(ScanCommand.Create(i2c));
        root.Subcommands.Add(ReadCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(PushCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(AclCommand.Create());
        root.Subcommands.Add(GrantsCommand.Create());

        var invocation = new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Wrong usage: one line per problem and where to look, exit 2 (System.CommandLine would say 1).
            string verb = parse.CommandResult.Command == root ? string.Empty : parse.CommandResult.Command.Name;
            var cli = new CliOutput(verb, parse.GetValue(Verb.Json), invocation.Output, invocation.Error);
            int code = cli.Fail(ExitCodes.Unreadable, string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.'))) + $". See 'citybrain {(verb.Length == 0 ? string.Empty : verb + " ")}--help'.");
            cli.Complete(code);
            return code;
        }

        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }
}
