using CityBrain.Edge.Composition;
using CityBrain.Sensing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Systemd;

namespace CityBrain.Edge.Hosting;

public static class EdgeServiceCollectionExtensions
{
    /// <summary>Registers the edge node service reading its configuration from <paramref name="configPath"/>.</summary>
    public static IServiceCollection AddCityBrainEdge(this IServiceCollection services, string configPath)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<EdgeMetrics>();
        services.TryAddSingleton(_ => BuiltInDrivers.Create());
        services.Configure<EdgeHostOptions>(o => o.ConfigPath = configPath);
        services.AddSingleton<PipelineWatchdog>();
        // The watchdog's pings go to NOTIFY_SOCKET whenever it is set (AddSystemd registers the notifier only when the
        // parent process is systemd itself).
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddHostedService<EdgeWorker>();
        services.AddHostedService<SystemdWatchdogService>();
        return services;
    }
}
