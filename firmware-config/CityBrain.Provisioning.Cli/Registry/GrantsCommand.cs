using System.CommandLine;
using System.Text.Json.Nodes;
using CityBrain.Provisioning.Registry;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain grants --registry grids.json [--database citybrain]</c>: the InfluxQL that gives each department of the
/// registry its own per-domain database and READ on it alone (docs/grid-registry.md). Pipe it into
/// <c>influx -username admin -password ... </c> after creating the departments' users.
/// </summary>
internal static class GrantsCommand
{
    public static Command Create()
    {
        var registry = RegistryFile.Option();
        var database = new Option<string>("--database") { Description = "The city database the hub writes (the departments' databases are named {database}_{domain}).", DefaultValueFactory = _ => "citybrain" };
        var command = new Command("grants", "Print the InfluxDB 1.x statements that give each department READ on its own per-domain database only.") { registry, database };
        Verb.SetAction(command, "grants", async (parse, output, cancellationToken) =>
        {
            var loaded = await RegistryFile.LoadAsync(parse.GetValue(registry)!, output, cancellationToken).ConfigureAwait(false);
            var statements = InfluxGrantsGenerator.Statements(loaded, parse.GetValue(database)!);
            output.Result["statements"] = new JsonArray([.. statements.Select(s => (JsonNode)JsonValue.Create(s))]);
            foreach (string statement in statements)
            {
                output.Line(statement);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
