using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Health;

/// <summary>Registers the health registry.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Adds the health registry (section <c>Hub:Health</c>, validated at start) and its persistence
    /// (<see cref="HealthPersistenceService"/>, which saves and restores every registered <see cref="ISnapshotContributor"/>
    /// with it). Idempotent. The alerts add themselves on top (<c>Alerts.AlertServiceCollectionExtensions.AddHubHealthAndAlerts</c>).
    /// </summary>
    public static IServiceCollection AddHubHealth(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(HealthRegistry)))
        {
            return services;
        }

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<HealthRegistryOptions>().Bind(configuration.GetSection(HealthRegistryOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthRegistryOptions>, HealthRegistryOptionsValidator>());
        services.TryAddSingleton<HealthMetrics>();
        services.TryAddSingleton<HealthRegistry>();
        services.AddHostedService<HealthPersistenceService>();
        return services;
    }
}
