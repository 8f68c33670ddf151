using CityBrain.Edge.Hosting;
using Microsoft.Extensions.Hosting;

// citybrain-edge [--config /etc/citybrain/node.json] [--trust /etc/citybrain/trust] [--apply-window SECONDS] | --validate FILE | --version
if (await EdgeCommandLine.TryRunAsync(args, Console.Out, Console.Error, CancellationToken.None) is { } exitCode)
{
    return exitCode;
}

string configPath = EdgeHostOptions.DefaultConfigPath;
string? trustPath = null;
double? applyWindow = null;
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] is "--config" or "-c")
    {
        configPath = args[i + 1];
    }
    else if (args[i] is "--trust")
    {
        trustPath = args[i + 1];
    }
    else if (args[i] is "--apply-window" && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out double seconds))
    {
        applyWindow = seconds;
    }
}

configPath = Environment.GetEnvironmentVariable("CITYBRAIN_EDGE_CONFIG") is { Length: > 0 } fromEnv && !args.Contains("--config") ? fromEnv : configPath;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSystemd();
builder.Services.AddCityBrainEdge(configPath);
builder.Services.Configure<EdgeHostOptions>(o =>
{
    o.Apply.TrustPath = trustPath ?? o.Apply.TrustPath;
    o.Apply.HealthWindow = applyWindow is { } w ? TimeSpan.FromSeconds(w) : o.Apply.HealthWindow;
});
builder.Logging.AddEdgeConsole();
await builder.Build().RunAsync();
return Environment.ExitCode;
