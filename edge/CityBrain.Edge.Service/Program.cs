using CityBrain.Edge.Hosting;
using Microsoft.Extensions.Hosting;

// citybrain-edge [--config /etc/citybrain/node.json] [--trust /etc/citybrain/trust] [--apply-window SECONDS] | --validate FILE | --version
if (await EdgeCommandLine.TryRunAsync(args, Console.Out, Console.Error, CancellationToken.None) is { } exitCode)
{
    return exitCode;
}

await EdgeServiceHost.CreateBuilder(args).Build().RunAsync();
return Environment.ExitCode;
