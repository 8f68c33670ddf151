using System.Net;
using System.Security.Cryptography.X509Certificates;
using CityBrain.Hub.Health;
using Microsoft.AspNetCore.HostFiltering;
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
    /// the hub with a clear error) and makes Kestrel listen on <see cref="OperatorViewOptions.Listen"/> (this replaces
    /// ASPNETCORE_URLS). The view reads the health registry and alerts, which the hub registers
    /// (<see cref="HubServiceCollectionExtensions.AddCityBrainHub"/>, or <see cref="Alerts.AlertServiceCollectionExtensions.AddHubHealthAndAlerts"/>
    /// alone); it registers neither. Map the routes with <see cref="OperatorViewEndpoints.MapOperatorView"/>.
    /// </summary>
    public static IServiceCollection AddOperatorView(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OperatorViewOptions>().Bind(configuration.GetSection(OperatorViewOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperatorViewOptions>, OperatorViewOptionsValidator>());
        services.TryAddSingleton<LiveViewWriter>();
        services.TryAddSingleton<LiveEventStream>();
        services.TryAddSingleton<TokenGate>();
        // Host header check (DNS rebinding): explicit AllowedHosts, else loopback names when the view is loopback only.
        services.PostConfigure<HostFilteringOptions>(filtering =>
        {
            var view = configuration.GetSection(OperatorViewOptions.Section).Get<OperatorViewOptions>() ?? new OperatorViewOptions();
            if (!string.IsNullOrWhiteSpace(view.AllowedHosts))
            {
                filtering.AllowedHosts = [.. view.AllowedHosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            }
            else if (view.Listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(e => ListenAddress.TryParse(e, out var a) && a.IsLoopback))
            {
                filtering.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"];
            }
        });
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<OperatorViewOptions>>((kestrel, view) =>
        {
            X509Certificate2? certificate = null;
            foreach (string entry in view.Value.Listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!ListenAddress.TryParse(entry, out var address))
                {
                    continue; // reported by the validator, which runs first
                }

                Action<ListenOptions> tls = _ => { };
                if (address.IsHttps)
                {
                    certificate ??= X509Certificate2.CreateFromPemFile(view.Value.CertificateFile!, view.Value.KeyFile);
                    var cert = certificate;
                    tls = listen => listen.UseHttps(cert);
                }

                if (address.Address is null)
                {
                    kestrel.ListenLocalhost(address.Port, tls);
                }
                else if (address.Address.Equals(IPAddress.IPv6Any))
                {
                    kestrel.ListenAnyIP(address.Port, tls);
                }
                else
                {
                    kestrel.Listen(address.Address, address.Port, tls);
                }
            }
        });
        return services;
    }
}
