using System.CommandLine;
using CityBrain.Provisioning.Registry;

namespace CityBrain.Provisioning.Cli;

/// <summary>The <c>--registry</c> option of the verbs that read the grid registry, and its loading.</summary>
internal static class RegistryFile
{
    public static Option<string> Option() => new("--registry") { Description = "The grid registry (schema firmware-config/schemas/grid-registry.v1.schema.json), e.g. deploy/grids.example.json.", Required = true };

    /// <summary>Loads and checks the registry; an invalid one fails the verb with every problem (exit 1).</summary>
    public static async Task<GridRegistry> LoadAsync(string path, CliOutput output, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.Unreadable, $"{path}: no such file; give the grid registry (e.g. deploy/grids.example.json)");
        }

        output.Result["registry"] = path;
        return await GridRegistryLoader.LoadAsync(path, cancellationToken).ConfigureAwait(false);
    }
}
