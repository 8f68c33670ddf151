using CityBrain.Edge.Hosting;
using Microsoft.Extensions.Hosting;

// citybrain-edge [--config /etc/citybrain/node.json]
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
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
await builder.Build().RunAsync();
return Environment.ExitCode;
