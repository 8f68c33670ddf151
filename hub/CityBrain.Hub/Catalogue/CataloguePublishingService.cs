using System.Threading.Channels;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Catalogue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Hub.Catalogue;

/// <summary>
/// Publishes the catalogue (retained) after every connect of the ingest client: a broker that lost its retained
/// messages gets it back at the next connect. One publish at a time, each with a timeout; a failed one is retried
/// with a doubling delay (up to a minute) while the client stays connected.
/// </summary>
public sealed partial class CataloguePublishingService : BackgroundService
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);

    private readonly MqttIngestService _ingest;
    private readonly CataloguePublisher _publisher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _connects = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    public CataloguePublishingService(MqttIngestService ingest, TimeProvider time, ILogger<CataloguePublishingService> logger)
    {
        _ingest = ingest;
        _publisher = new CataloguePublisher(ingest.Client, QuantityCatalogue.Default);
        _time = time;
        _logger = logger;
        ingest.Connected += () => _connects.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (bool _ in _connects.Reader.ReadAllAsync(stoppingToken))
            {
                var delay = TimeSpan.FromSeconds(1);
                while (_ingest.IsConnected)
                {
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        timeout.CancelAfter(Timeout);
                        await _publisher.PublishAsync(timeout.Token);
                        LogPublished(_logger, QuantityCatalogue.Default.Entries.Count);
                        break;
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested && !FatalErrors.IsFatal(ex))
                    {
                        LogFailed(_logger, ex, delay.TotalSeconds);
                    }

                    await Task.Delay(delay, _time, stoppingToken);
                    delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published the quantity catalogue ({Quantities} quantities), retained")]
    private static partial void LogPublished(ILogger logger, int quantities);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the quantity catalogue; retrying in {Seconds} s")]
    private static partial void LogFailed(ILogger logger, Exception exception, double seconds);
}
