using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Edge.Hosting;

public static class EdgeServiceCollectionExtensions
{
    /// <summary>Registers the edge node service reading its configuration from <paramref name="configPath"/>.</summary>
    public static IServiceCollection AddCityBrainEdge(this IServiceCollection services, string configPath)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<EdgeMetrics>();
        services.Configure<EdgeHostOptions>(o => o.ConfigPath = configPath);
        services.AddSingleton<PipelineWatchdog>();
        services.AddHostedService<EdgeWorker>();
        services.AddHostedService<SystemdWatchdogService>();
        return services;
    }
}
