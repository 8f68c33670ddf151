using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// <c>GET /api/events</c>: Server-Sent Events. Sends a <c>state</c> event at once and then whenever the registry or
/// the alerts changed (checked every <see cref="OperatorViewOptions.EventInterval"/>), a comment as heartbeat every
/// 15 s otherwise. At most <see cref="OperatorViewOptions.MaxEventClients"/> clients at once.
/// </summary>
public sealed class LiveEventStream(HealthRegistry registry, AlertEngine alerts, IOptions<OperatorViewOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private int _clients;

    public int Clients => Volatile.Read(ref _clients);

    public LiveState Snapshot() => new(
        registry.Version + alerts.Version,
        time.GetUtcNow(),
        registry.GetNodes(),
        new AlertsResponse(alerts.GetActive(), alerts.GetHistory().Take(50).ToList()));

    public async Task StreamAsync(HttpContext http)
    {
        if (Interlocked.Increment(ref _clients) > options.Value.MaxEventClients)
        {
            Interlocked.Decrement(ref _clients);
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        try
        {
            var ct = http.RequestAborted;
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            long sent = -1;
            var lastWrite = time.GetUtcNow();
            using var timer = new PeriodicTimer(options.Value.EventInterval, time);
            do
            {
                long version = registry.Version + alerts.Version;
                var now = time.GetUtcNow();
                if (version != sent)
                {
                    sent = version;
                    await WriteStateAsync(http.Response, ct);
                    lastWrite = now;
                }
                else if (now - lastWrite >= Heartbeat)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    lastWrite = now;
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _clients);
        }
    }

    private async Task WriteStateAsync(HttpResponse response, CancellationToken ct)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(Snapshot(), ViewJson.Options);
        await response.WriteAsync("event: state\ndata: ", ct);
        await response.Body.WriteAsync(json, ct);
        await response.WriteAsync("\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
