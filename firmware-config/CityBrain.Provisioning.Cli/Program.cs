using System.CommandLine;
using CityBrain.Provisioning.Cli;

var root = new RootCommand("citybrain: the CityBrain Edge technicians' tool");
root.Subcommands.Add(SimulateCommand.Create());
return await root.Parse(args).InvokeAsync();
