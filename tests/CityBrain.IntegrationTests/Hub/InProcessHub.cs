using System.Text;
using CityBrain.Hub;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Ingest;
using CityBrain.Testing;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>A hub running in the test process (the real registration, <c>AddCityBrainHub</c>), configured from JSON.</summary>
public sealed class InProcessHub : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TempDirectory _deadLetters;

    private InProcessHub(IHost host, TempDirectory deadLetters)
    {
        _host = host;
        _deadLetters = deadLetters;
    }

    /// <summary>The hub's dead-letter directory (a fresh one per hub unless the JSON names one).</summary>
    public string DeadLetterDirectory => _host.Services.GetRequiredService<DeadLetterStore>().Directory;

    public IServiceProvider Services => _host.Services;

    public IngestStatistics Statistics => _host.Services.GetIngestStatistics();

    /// <param name="health">Also the health registry and alerts, as the hub service has them (snapshot file off).</param>
    public static async Task<InProcessHub> StartAsync(string hubJson, bool health = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // No health snapshot file unless the test's JSON names one (the default is the installed hub's /var/lib path).
        var deadLetters = new TempDirectory("hub-dl");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:Health:SnapshotPath"] = "", ["Hub:DeadLetters:Directory"] = deadLetters.Path });
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(hubJson)));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddCityBrainHub(builder.Configuration);
        if (health)
        {
            builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(HealthRegistryOptions.Section + ":SnapshotPath", "")]);
            builder.Services.AddHubHealthAndAlerts(builder.Configuration);
        }
        var host = builder.Build();
        await host.StartAsync();
        var hub = new InProcessHub(host, deadLetters);
        var ingest = host.Services.GetRequiredService<MqttIngestService>();
        await Poll.UntilAsync(() => ingest.IsSubscribed, TimeSpan.FromSeconds(20), "the in-process hub connected to the broker and subscribed");
        return hub;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(cts.Token);
        _host.Dispose();
        _deadLetters.Dispose();
    }
}
