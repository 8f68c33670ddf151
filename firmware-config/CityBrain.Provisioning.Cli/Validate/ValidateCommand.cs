using System.CommandLine;
using System.Text.Json.Nodes;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Configuration;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain validate FILE</c>: the node's own loader and its drivers' resource checks, offline; every problem at once
/// with path, value and fix. Exit 0 valid, 1 invalid, 2 unreadable.
/// </summary>
internal static class ValidateCommand
{
    public static readonly Option<string?> TemplatesDir = new("--templates-dir") { Description = "Device templates folder (default: CITYBRAIN_TEMPLATES, templates/ beside the command, or the repository's)." };

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The node configuration (node.json)." };
        var command = new Command("validate", "Check a node configuration exactly as the node would, offline: every problem with its path, value and fix.") { file, TemplatesDir };
        Verb.SetAction(command, "validate", async (parse, output, cancellationToken) =>
        {
            string path = parse.GetValue(file)!;
            output.Result["file"] = path;
            if (!File.Exists(path))
            {
                throw new CliException(ExitCodes.Unreadable, $"{path}: no such file; give the path of the node configuration (e.g. /etc/citybrain/node.json)");
            }

            var (loaded, errors) = await CheckAsync(path, parse.GetValue(TemplatesDir), cancellationToken).ConfigureAwait(false);
            return Report(output, path, loaded, errors);
        });
        return command;
    }

    /// <summary>Loads and checks <paramref name="path"/> as the node does; the configuration or every problem.</summary>
    public static async Task<(LoadedNodeConfiguration? Loaded, IReadOnlyList<ConfigError> Errors)> CheckAsync(string path, string? templatesDir, CancellationToken cancellationToken)
    {
        var drivers = Drivers.Create(templatesDir);
        try
        {
            var loaded = await NodeConfigurationLoader.LoadAsync(path, drivers, cancellationToken).ConfigureAwait(false);
            await NodeConfigurationLoader.CheckResourcesAsync(loaded, drivers, cancellationToken).ConfigureAwait(false);
            return (loaded, []);
        }
        catch (ConfigurationException ex)
        {
            if (ex.Errors is [{ Path: "/" } only] && only.Problem.StartsWith("cannot read", StringComparison.Ordinal))
            {
                throw new CliException(ExitCodes.Unreadable, $"{path}: {only.Problem}; {only.Fix}");
            }

            return (null, ex.Errors);
        }
    }

    /// <summary>Prints the outcome (shared with init); returns 0 or 1.</summary>
    public static int Report(CliOutput output, string path, LoadedNodeConfiguration? loaded, IReadOnlyList<ConfigError> errors)
    {
        output.Result["valid"] = errors.Count == 0;
        output.Result["problems"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject
        {
            ["path"] = e.Path,
            ["value"] = e.Value,
            ["problem"] = e.Problem,
            ["fix"] = e.Fix,
        })]);
        output.Result["warnings"] = new JsonArray([.. (loaded?.Warnings ?? []).Select(w => (JsonNode)JsonValue.Create(w))]);
        if (loaded is not null)
        {
            var c = loaded.Configuration;
            output.Result["node"] = c.Node.Id;
            output.Result["revision"] = c.Revision;
            output.Result["sensors"] = c.Sensors.Count;
            output.Line($"{path}: valid (node {c.Node.Id}, revision {c.Revision}, {c.Sensors.Count} sensor{(c.Sensors.Count == 1 ? "" : "s")}, {c.Buses.Count} bus{(c.Buses.Count == 1 ? "" : "es")})");
            foreach (string warning in loaded.Warnings)
            {
                output.Line($"  warning: {warning}");
            }

            return ExitCodes.Ok;
        }

        output.Line($"{path} has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}:");
        foreach (var e in errors)
        {
            output.Line($"  - {e}");
        }

        return ExitCodes.Invalid;
    }
}
