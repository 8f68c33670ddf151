using System.Reflection;

namespace CityBrain.Edge.Hosting;

/// <summary>
/// The node binary's one-shot commands, answered before any host starts:
/// <c>--version</c> (prints the version, exit 0) and <c>--validate FILE</c> / <c>--check-config FILE</c>
/// (<see cref="NodeConfigurationCheck"/>: exit 0 valid, 1 invalid, 2 unreadable). Anything else runs the node.
/// </summary>
public static class EdgeCommandLine
{
    /// <summary>Exit code of a command line that cannot be understood (sysexits EX_USAGE).</summary>
    public const int UsageExitCode = 64;

    /// <summary>The version the build was given (<c>-p:Version=</c>), as in the node's status message.</summary>
    public static string Version { get; } =
        typeof(EdgeNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    /// <summary>Runs a one-shot command; null when the arguments ask for the node to run.</summary>
    public static async Task<int?> TryRunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--version":
                    await output.WriteLineAsync("citybrain-edge " + Version).ConfigureAwait(false);
                    return 0;
                case "--validate" or "--check-config":
                    if (i + 1 >= args.Count)
                    {
                        await errors.WriteLineAsync($"citybrain-edge: {args[i]} needs a file: citybrain-edge {args[i]} /etc/citybrain/node.json").ConfigureAwait(false);
                        return UsageExitCode;
                    }

                    return await NodeConfigurationCheck.RunAsync(args[i + 1], output, errors, cancellationToken).ConfigureAwait(false);
                case "--help" or "-h":
                    await output.WriteLineAsync("""
                        citybrain-edge [--config /etc/citybrain/node.json]   run the node (systemd: citybrain-edge.service)
                        citybrain-edge --validate FILE                       check a node configuration: 0 valid, 1 invalid, 2 unreadable
                        citybrain-edge --version                             print the version
                        """).ConfigureAwait(false);
                    return 0;
            }
        }

        return null;
    }
}
