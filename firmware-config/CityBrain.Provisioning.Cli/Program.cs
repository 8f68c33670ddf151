using System.CommandLine;
using CityBrain.Provisioning.Cli;

var root = new RootCommand("citybrain: the CityBrain Edge technicians' tool (docs/technicians.md). " + ExitCodes.Help);
root.Options.Add(Verb.Json);
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(TemplatesCommand.Create());
root.Subcommands.Add(ScanCommand.Create());
root.Subcommands.Add(ReadCommand.Create());
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(PushCommand.Create());
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(AclCommand.Create());
root.Subcommands.Add(GrantsCommand.Create());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Wrong usage: one line per problem and where to look, exit 2 (System.CommandLine would say 1).
    var output = new CliOutput(parse.CommandResult.Command == root ? string.Empty : parse.CommandResult.Command.Name, parse.GetValue(Verb.Json));
    int code = output.Fail(ExitCodes.Unreadable, string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.'))) + $". See 'citybrain {(parse.CommandResult.Command == root ? string.Empty : parse.CommandResult.Command.Name + " ")}--help'.");
    output.Complete(code);
    return code;
}

return await parse.InvokeAsync();
