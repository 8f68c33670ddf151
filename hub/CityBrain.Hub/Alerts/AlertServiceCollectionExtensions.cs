using CityBrain.Hub.Health;
using CityBrain.Hub.Ingest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace CityBrain.Hub.Alerts;

/// <summary>Registers the alert engine on top of the health registry.</summary>
public static class AlertServiceCollectionExtensions
{
    /// <summary>
    /// Adds the health registry (<see cref="HealthServiceCollectionExtensions.AddHubHealth"/>), the alert engine (section
    /// <c>Hub:Alerts</c>, ticked by <see cref="AlertEvaluationService"/>, published by <see cref="AlertPublishingService"/>,
    /// its active alerts saved with the registry's snapshot by <see cref="AlertSnapshot"/>), and
    /// <see cref="INodeObserver"/> = <see cref="HealthAndAlertsObserver"/>. Options are validated at start. Alerts are
    /// only logged until <see cref="AddMqttAlertPublisher"/> is called. Idempotent (<c>AddCityBrainHub</c> calls it).
    /// </summary>
    public static IServiceCollection AddHubHealthAndAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(AlertEngine)))
        {
            return services;
        }

        services.AddHubHealth(configuration);
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        services.TryAddSingleton<AlertPublishQueue>();
        services.TryAddSingleton<AlertEngine>();
        services.TryAddSingleton<IAlertPublisher, LoggingAlertPublisher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISnapshotContributor, AlertSnapshot>());
        services.TryAddSingleton<HealthAndAlertsObserver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INodeObserver, HealthAndAlertsObserver>(sp => sp.GetRequiredService<HealthAndAlertsObserver>()));
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
