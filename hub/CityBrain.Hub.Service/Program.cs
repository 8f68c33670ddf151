using System.Net;
using CityBrain.Hub;
using CityBrain.Hub.Configuration;
using Prometheus;

// citybrain-hub: the host only. Configuration: hub.json from --config PATH or CITYBRAIN_HUB_CONFIG.
string? configPath = null;
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--config")
    {
        configPath = args[i + 1];
    }
}

configPath ??= Environment.GetEnvironmentVariable("CITYBRAIN_HUB_CONFIG");
if (configPath is null || !File.Exists(configPath))
{
    Console.Error.WriteLine($"citybrain-hub: configuration file '{configPath ?? "(none)"}' not found: pass --config /etc/citybrain/hub.json or set CITYBRAIN_HUB_CONFIG (see deploy/hub.example.json)");
    return 2;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddJsonFile(Path.GetFullPath(configPath), optional: false, reloadOnChange: false);
builder.Services.AddSystemd();
builder.Services.AddCityBrainHub(builder.Configuration);

var hub = builder.Configuration.GetSection(HubOptions.SectionName).Get<HubOptions>() ?? new HubOptions();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(IPAddress.TryParse(hub.HttpBindAddress, out var address) ? address : IPAddress.Loopback, hub.HttpPort);
});

var app = builder.Build();
app.MapMetrics();
app.MapGet("/ingest/stats", (IServiceProvider services) => Results.Json(services.GetIngestStatistics()));
app.MapGet("/healthz", (CityBrain.Hub.Ingest.MqttIngestService ingest) =>
    ingest.IsConnected ? Results.Text("ok") : Results.Text("not connected to the MQTT broker", statusCode: 503));

try
{
    await app.RunAsync();
    return 0;
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    Console.Error.WriteLine("citybrain-hub: invalid configuration in " + configPath + ":");
    foreach (string failure in ex.Failures)
    {
        Console.Error.WriteLine("  " + failure);
    }

    return 2;
}
