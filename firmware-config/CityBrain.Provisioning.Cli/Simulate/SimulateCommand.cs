using System.CommandLine;

namespace CityBrain.Provisioning.Cli;

/// <summary><c>citybrain simulate ...</c>: device simulators for demos, training and tests.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var simulate = new Command("simulate", "Run a simulated field device.");
        simulate.Subcommands.Add(SimulateModbusCommand.Create());
        return simulate;
    }
}
