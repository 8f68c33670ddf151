using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Ingest;
using CityBrain.Hub.Service.OperatorView;
using CityBrain.Testing.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>The operators' view in a real Kestrel on a free loopback port, with the registry and alert engine behind it.</summary>
internal sealed class HubViewHost : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private HubViewHost(WebApplication app, int port, TempDirectory dir)
    {
        App = app;
        _dir = dir;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public WebApplication App { get; }

    public string BaseUrl { get; }

    public INodeObserver Observer => App.Services.GetRequiredService<INodeObserver>();

    public AlertEngine Alerts => App.Services.GetRequiredService<AlertEngine>();

    public HealthRegistry Registry => App.Services.GetRequiredService<HealthRegistry>();

    /// <summary>Builds and starts the view with <paramref name="settings"/> over the defaults (fast alert ticks, snapshot in a temp dir).</summary>
    public static async Task<HubViewHost> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null, Action<WebApplication>? map = null)
    {
        int port = FreePort.Get();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var dir = new TempDirectory("hub-view-state");
        var all = new Dictionary<string, string?>
        {
            ["Hub:OperatorView:Listen"] = $"http://127.0.0.1:{port}",
            ["Hub:OperatorView:EventInterval"] = "00:00:00.2",
            ["Hub:OperatorView:SparklineInterval"] = "00:00:01",
            ["Hub:Health:SnapshotPath"] = dir.Combine("registry.json"),
            ["Hub:Alerts:TickInterval"] = "00:00:00.2",
        };
        foreach (var (k, v) in settings)
        {
            all[k] = v;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.Services.AddHubHealthAndAlerts(builder.Configuration); // the view only reads them; the hub registers them
        builder.Services.AddOperatorView(builder.Configuration);
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapOperatorView();
        map?.Invoke(app);
        var host = new HubViewHost(app, port, dir);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            dir.Dispose();
            throw;
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
        _dir.Dispose();
    }
}
