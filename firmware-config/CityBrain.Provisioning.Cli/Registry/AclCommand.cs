using System.CommandLine;
using CityBrain.Provisioning.Registry;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain acl --registry grids.json [-o acl]</c>: checks the grid registry (every problem with path, value and
/// fix, exit 1) and prints or writes the Mosquitto ACL it implies: each node pinned to its own district and grid, each
/// consumer with its role's least privilege (docs/grid-registry.md).
/// </summary>
internal static class AclCommand
{
    public static Command Create()
    {
        var registry = RegistryFile.Option();
        var outputFile = new Option<string?>("--output", "-o") { Description = "Write the ACL to this file (e.g. /etc/mosquitto/acl) instead of printing it; then reload Mosquitto (systemctl reload mosquitto)." };
        var command = new Command("acl", "Generate the Mosquitto ACL from the grid registry: nodes pinned to their district and grid, consumer roles with least privilege.") { registry, outputFile };
        Verb.SetAction(command, "acl", async (parse, output, cancellationToken) =>
        {
            string path = parse.GetValue(registry)!;
            var loaded = await RegistryFile.LoadAsync(path, output, cancellationToken).ConfigureAwait(false);
            string acl = MosquittoAclGenerator.Generate(loaded, Path.GetFileName(path));
            int nodes = loaded.Nodes.Count();
            output.Result["nodes"] = nodes;
            output.Result["consumers"] = loaded.Document.Consumers.Count;
            string? target = parse.GetValue(outputFile);
            if (target is null)
            {
                output.Result["acl"] = acl;
                if (!output.Json)
                {
                    Console.Out.Write(acl);
                }

                return ExitCodes.Ok;
            }

            // Temp file + rename: Mosquitto never reads a half-written ACL.
            string temp = target + ".tmp";
            await File.WriteAllTextAsync(temp, acl, cancellationToken).ConfigureAwait(false);
            File.Move(temp, target, overwrite: true);
            output.Result["output"] = target;
            output.Line($"{target}: ACL for {nodes} node{(nodes == 1 ? "" : "s")} and {loaded.Document.Consumers.Count} consumer{(loaded.Document.Consumers.Count == 1 ? "" : "s")} of '{loaded.City}' written; reload Mosquitto to apply it");
            return ExitCodes.Ok;
        });
        return command;
    }
}
