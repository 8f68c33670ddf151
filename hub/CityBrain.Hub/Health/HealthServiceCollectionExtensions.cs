using CityBrain.Hub.Alerts;
using CityBrain.Hub.Ingest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace CityBrain.Hub.Health;

/// <summary>Registers the health registry and the alert engine.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Adds the health registry (section <c>Hub:Health</c>, persisted by <see cref="HealthPersistenceService"/>), the
    /// alert engine (section <c>Hub:Alerts</c>, ticked by <see cref="AlertEvaluationService"/>, published by
    /// <see cref="AlertPublishingService"/>), and <see cref="INodeObserver"/> = <see cref="HealthAndAlertsObserver"/>.
    /// Options are validated at start. Alerts are only logged until <see cref="AddMqttAlertPublisher"/> is called.
    /// </summary>
    public static IServiceCollection AddHubHealthAndAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(HealthRegistry)))
        {
            return services; // already registered (AddCityBrainHub, then a view that asks again)
        }

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<HealthRegistryOptions>().Bind(configuration.GetSection(HealthRegistryOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthRegistryOptions>, HealthRegistryOptionsValidator>());
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        services.TryAddSingleton<HealthMetrics>();
        services.TryAddSingleton<HealthRegistry>();
        services.TryAddSingleton<AlertPublishQueue>();
        services.TryAddSingleton<AlertEngine>();
        services.TryAddSingleton<IAlertPublisher, LoggingAlertPublisher>();
        services.TryAddSingleton<HealthAndAlertsObserver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INodeObserver, HealthAndAlertsObserver>(sp => sp.GetRequiredService<HealthAndAlertsObserver>()));
        services.AddHostedService<HealthPersistenceService>();
        services.AddHostedService<AlertEvaluationService>();
        services.AddHostedService<AlertPublishingService>();
        return services;
    }

    /// <summary>Publishes alerts over MQTT through the client the factory returns (connected and supervised by the caller).</summary>
    public static IServiceCollection AddMqttAlertPublisher(this IServiceCollection services, Func<IServiceProvider, IMqttClient> client)
    {
        services.RemoveAll<IAlertPublisher>();
        services.AddSingleton<IAlertPublisher>(sp => new MqttAlertPublisher(client(sp)));
        return services;
    }
}
