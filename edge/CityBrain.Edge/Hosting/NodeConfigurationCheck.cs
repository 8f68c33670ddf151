using CityBrain.Edge.Composition;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Drivers;

namespace CityBrain.Edge.Hosting;

/// <summary>
/// <c>citybrain-edge --validate FILE</c>: checks a node configuration exactly as the node does at start (the loader,
/// then building every driver and processor chain, without touching hardware) and prints every problem with its path,
/// value and fix. Exit codes: <see cref="Valid"/>, <see cref="Invalid"/>, <see cref="Unreadable"/>.
/// </summary>
public static class NodeConfigurationCheck
{
    public const int Valid = 0;
    public const int Invalid = 1;
    public const int Unreadable = 2;

    public static async Task<int> RunAsync(string path, TextWriter output, TextWriter errors, CancellationToken cancellationToken) =>
        await RunAsync(path, BuiltInDrivers.Create(), output, errors, cancellationToken).ConfigureAwait(false);

    public static async Task<int> RunAsync(string path, DriverRegistry drivers, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"{path}: cannot read the file: {ex.Message.TrimEnd('.')}. Fix: check the path and that this user may read it (the service reads it as user 'citybrain': root:citybrain 0640)").ConfigureAwait(false);
            return Unreadable;
        }

        try
        {
            var loaded = NodeConfigurationLoader.Parse(text, path, drivers, Path.GetDirectoryName(Path.GetFullPath(path)));
            await NodeComponents.CheckAsync(loaded, drivers, cancellationToken).ConfigureAwait(false);
            foreach (string warning in loaded.Warnings)
            {
                await output.WriteLineAsync("warning: " + warning).ConfigureAwait(false);
            }

            var c = loaded.Configuration;
            await output.WriteLineAsync($"{path}: valid (node {c.Node.Id}, {c.Node.Location.District}/{c.Node.Location.Grid}, {c.Sensors.Count} sensors, revision {c.Revision})").ConfigureAwait(false);
            return Valid;
        }
        catch (ConfigurationException ex)
        {
            await errors.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return Invalid;
        }
    }
}
