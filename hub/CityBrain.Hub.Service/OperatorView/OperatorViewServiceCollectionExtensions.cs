using System.Net;
using CityBrain.Hub.Health;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>Registers the operators' view.</summary>
public static class OperatorViewServiceCollectionExtensions
{
    /// <summary>
    /// Adds the view (section <c>Hub:OperatorView</c>, validated at start: a non-loopback address without a token stops
    /// the hub with a clear error), the health registry and alerts (<see cref="HealthServiceCollectionExtensions.AddHubHealthAndAlerts"/>,
    /// idempotent), and makes Kestrel listen on <see cref="OperatorViewOptions.Listen"/> (this replaces ASPNETCORE_URLS).
    /// Map the routes with <see cref="OperatorViewEndpoints.MapOperatorView"/>.
    /// </summary>
    public static IServiceCollection AddOperatorView(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.ServiceType == typeof(HealthRegistry)))
        {
            services.AddHubHealthAndAlerts(configuration);
        }

        services.AddOptions<OperatorViewOptions>().Bind(configuration.GetSection(OperatorViewOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperatorViewOptions>, OperatorViewOptionsValidator>());
        services.TryAddSingleton<LiveViewWriter>();
        services.TryAddSingleton<LiveEventStream>();
        services.TryAddSingleton<TokenGate>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<OperatorViewOptions>>((kestrel, view) =>
        {
            foreach (string entry in view.Value.Listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!ListenAddress.TryParse(entry, out var address))
                {
                    continue; // reported by the validator, which runs first
                }

                if (address.Address is null)
                {
                    kestrel.ListenLocalhost(address.Port);
                }
                else if (address.Address.Equals(IPAddress.IPv6Any))
                {
                    kestrel.ListenAnyIP(address.Port);
                }
                else
                {
                    kestrel.Listen(address.Address, address.Port);
                }
            }
        });
        return services;
    }
}
