using CityBrain.Edge.Hosting;
using Microsoft.Extensions.Hosting;

// citybrain-edge [--config /etc/citybrain/node.json] | --validate FILE | --version
if (await EdgeCommandLine.TryRunAsync(args, Console.Out, Console.Error, CancellationToken.None) is { } exitCode)
{
    return exitCode;
}

string configPath = EdgeHostOptions.DefaultConfigPath;
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] is "--config" or "-c")
    {
        configPath = args[i + 1];
    }
}

configPath = Environment.GetEnvironmentVariable("CITYBRAIN_EDGE_CONFIG") is { Length: > 0 } fromEnv && !args.Contains("--config") ? fromEnv : configPath;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSystemd();
builder.Services.AddCityBrainEdge(configPath);
builder.Logging.AddEdgeConsole();
await builder.Build().RunAsync();
return Environment.ExitCode;
