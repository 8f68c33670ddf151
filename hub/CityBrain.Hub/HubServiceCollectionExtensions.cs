using CityBrain.Hub.Alerts;
using CityBrain.Hub.Broker;
using CityBrain.Hub.Catalogue;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Health;
using CityBrain.Hub.Ingest;
using CityBrain.Hub.Notifications;
using CityBrain.Hub.OnCall;
using CityBrain.Hub.Registry;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub;

/// <summary>
/// Registers the hub: options (validated at start), sinks, pipeline, MQTT ingest, the embedded broker, and the health
/// registry with its alerts (published on the ingest's own MQTT connection). Alerts belong to the hub: a hub composed
/// without the operators' view raises and publishes them all the same.
/// </summary>
public static class HubServiceCollectionExtensions
{
    public static IServiceCollection AddCityBrainHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubOptions>()
            .Bind(configuration.GetSection(HubOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubOptions>, HubOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<HubGridRegistry>();
        services.TryAddSingleton(sp => new IngestMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new DeadLetterStore(
            sp.GetRequiredService<IOptions<HubOptions>>().Value.DeadLetters,
            sp.GetRequiredService<IngestMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DeadLetterStore>>()));
        services.TryAddSingleton(sp => new DeadLetterQueue(
            sp.GetRequiredService<DeadLetterStore>(),
            sp.GetRequiredService<IngestMetrics>(),
            sp.GetRequiredService<ILogger<DeadLetterQueue>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<HubOptions>>().Value.InstanceName));
        services.TryAddSingleton(sp => new SinkHealth(sp.GetRequiredService<IOptions<HubOptions>>().Value.InstanceName, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<HubOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var health = sp.GetRequiredService<SinkHealth>();
            var metrics = sp.GetRequiredService<IngestMetrics>();
            var logger = sp.GetRequiredService<ILogger<ResilientSinkWriter>>();
            // One line-protocol encoder for every sink that takes it (the points' columns, community and street tags).
            var encoder = new LineProtocolEncoder(PointColumnNames.Parse(options.Columns, []), sp.GetRequiredService<HubGridRegistry>().Registry);
            var sinks = options.Sinks
                .Select(s => new ResilientSinkWriter(PointSinkFactory.Create(s), options.Resilience, time, logger, metrics, health, s.Domains is null ? null : new DomainFilter(s.Domains), encoder))
                .ToList();
            return new IngestPipeline(
                sinks,
                options.Batching,
                options.Sinks.Max(s => s.Writers),
                sp.GetRequiredService<DeadLetterQueue>(),
                metrics,
                time,
                sp.GetRequiredService<ILogger<IngestPipeline>>());
        });

        services.AddHostedService<MemoryHeadroomMonitor>();

        // The systemd watchdog (WatchdogSec= in citybrain-hub.service): pings only while the ingest moves.
        services.TryAddSingleton(sp =>
        {
            var watchdog = new PipelineWatchdog(sp.GetRequiredService<TimeProvider>());
            watchdog.Watch([IngestLiveness.Probe(sp.GetRequiredService<IngestMetrics>(), sp.GetRequiredService<IOptions<HubOptions>>().Value)]);
            return watchdog;
        });
        services.AddHostedService<SystemdWatchdogService>();

        // The embedded broker starts before the ingest client that connects to it.
        services.AddSingleton<EmbeddedBrokerService>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBrokerService>());
        // On-call reads: requests go out and answers come back on the ingest's connection.
        services.TryAddSingleton<OnCallReplies>();
        services.AddSingleton<IReplyListener>(sp => sp.GetRequiredService<OnCallReplies>());
        services.TryAddSingleton<OnCallRequester>();
        services.AddSingleton<MqttIngestService>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttIngestService>());

        services.AddHubHealthAndAlerts(configuration);
        services.AddMqttAlertPublisher(sp => sp.GetRequiredService<MqttIngestService>().Client);
        services.AddHubNotifications(configuration); // after the alerts: their snapshot is restored before the outbox reconciles

        // The quantity catalogue, retained on citybrain/v1/_catalogue/quantities after every connect.
        services.AddHostedService<CataloguePublishingService>();
        return services;
    }

    /// <summary>The current ingest statistics (for the stats endpoint).</summary>
    public static IngestStatistics GetIngestStatistics(this IServiceProvider services) => IngestStatistics.Create(
        services.GetRequiredService<IngestMetrics>(),
        services.GetRequiredService<IngestPipeline>(),
        services.GetService<Health.HealthRegistry>()?.SequenceSnapshots() ?? [],
        services.GetRequiredService<DeadLetterQueue>()) with
    {
        Registry = services.GetService<Health.HealthRegistry>()?.Statistics(),
    };
}
