using System.Net;
using CityBrain.Hub;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Health;
using CityBrain.Hub.Ingest;
using CityBrain.Hub.Service.OperatorView;
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
    return HubExitCodes.Configuration;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddJsonFile(Path.GetFullPath(configPath), optional: false, reloadOnChange: false);
builder.Services.AddSystemd();
// Output going to the journal keeps the <N> priority prefix even when the process was not started by systemd itself.
if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM")))
{
    builder.Logging.AddSystemdConsole();
}

// Source-generated JSON only (NativeAOT has no reflection-based serializer): anything ASP.NET Core serializes itself.
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.TypeInfoResolverChain.Insert(0, ViewJsonContext.Default);
    json.SerializerOptions.TypeInfoResolverChain.Insert(1, HubApiJsonContext.Default);
});
// One HTTP endpoint for the operators' view, its JSON API, /metrics and /healthz: Hub:OperatorView:Listen, or
// http://{Hub:HttpBindAddress}:{Hub:HttpPort} when that is not set. Loopback unless a token is configured.
var hub = builder.Configuration.GetSection(HubOptions.SectionName).Get<HubOptions>() ?? new HubOptions();
if (string.IsNullOrEmpty(builder.Configuration["Hub:OperatorView:Listen"]))
{
    string host = IPAddress.TryParse(hub.HttpBindAddress, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{address}]"
        : hub.HttpBindAddress;
    builder.Configuration["Hub:OperatorView:Listen"] = $"http://{host}:{hub.HttpPort}";
}

builder.Services.AddCityBrainHub(builder.Configuration);
builder.Services.AddOperatorView(builder.Configuration);

// Inside the try: resolving the ingest service validates the options (an invalid hub.json is exit 78 with the
// failures listed, not an unhandled exception).
try
{
    var app = builder.Build();
    var ingest = app.Services.GetRequiredService<MqttIngestService>();
    var alerts = app.Services.GetRequiredService<AlertEngine>();
    ingest.Connected += () => alerts.RepublishActive();
    app.MapOperatorView();
    app.MapMetrics().RequireViewToken(cityWide: true);
    app.MapGet("/ingest/stats", (IServiceProvider services) => Results.Json(services.GetIngestStatistics(), HubApiJsonContext.Default.IngestStatistics)).RequireViewToken(cityWide: true);
    app.MapGet("/healthz", (MqttIngestService ingest) =>
        ingest.IsConnected ? Results.Text("ok") : Results.Text("not connected to the MQTT broker", statusCode: 503));

    // Taken before running: the service provider is disposed when RunAsync returns.
    var backgroundServices = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
    await app.RunAsync();

    // Non-zero after a fatal error (MqttIngestService.FatalExitCode), also when another background service failed
    // (before .NET 11 RunAsync then completes normally, which would exit 0): systemd restarts the hub.
    bool backgroundFailed = backgroundServices.Any(s => s.ExecuteTask?.IsFaulted == true);
    return Environment.ExitCode != 0 ? Environment.ExitCode : backgroundFailed ? MqttIngestService.FatalExitCode : 0;
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    Console.Error.WriteLine("citybrain-hub: invalid configuration in " + configPath + ":");
    foreach (string failure in ex.Failures)
    {
        Console.Error.WriteLine("  " + failure);
    }

    return HubExitCodes.Configuration;
}
