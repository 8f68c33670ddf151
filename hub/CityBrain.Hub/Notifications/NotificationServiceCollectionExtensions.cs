using CityBrain.Hub.Alerts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Notifications;

/// <summary>Registers alert notifications (webhooks, escalation, history); called by <c>AddCityBrainHub</c>, after the alerts.</summary>
public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// Adds section <c>Hub:Notifications</c> (validated at start), <see cref="NotificationQueue"/> as an
    /// <see cref="IAlertListener"/> of the engine, and <see cref="NotificationService"/>. Idempotent.
    /// </summary>
    public static IServiceCollection AddHubNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(NotificationService)))
        {
            return services;
        }

        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>());
        services.TryAddSingleton(sp => new NotificationMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new NotificationQueue(sp.GetRequiredService<IOptions<NotificationOptions>>().Value.OutboxCapacity, sp.GetRequiredService<NotificationMetrics>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertListener, NotificationQueue>(sp => sp.GetRequiredService<NotificationQueue>()));
        services.AddSingleton<NotificationService>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationService>());
        return services;
    }
}
