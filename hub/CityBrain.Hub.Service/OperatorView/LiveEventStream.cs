using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// <c>GET /api/events</c>: Server-Sent Events. A <c>state</c> event (nodes without sparklines, alerts) at once and
/// then whenever the registry or the alerts changed, checked every <see cref="OperatorViewOptions.EventInterval"/>;
/// a <c>sparks</c> event (<see cref="LiveSparklines"/>) at once and every
/// <see cref="OperatorViewOptions.SparklineInterval"/>; a comment as heartbeat every 15 s otherwise. Both payloads
/// are built once per change and shared by every client. At most <see cref="OperatorViewOptions.MaxEventClients"/>.
/// </summary>
public sealed class LiveEventStream(HealthRegistry registry, AlertEngine alerts, IOptions<OperatorViewOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private readonly Lock _gate = new();
    private int _clients;
    private (long Version, byte[] Json) _state = (-1, []);
    private (DateTimeOffset At, byte[] Json) _sparks = (DateTimeOffset.MinValue, []);

    public int Clients => Volatile.Read(ref _clients);

    public LiveState Snapshot(bool sparklines = true) => new(
        registry.Version + alerts.Version,
        time.GetUtcNow(),
        registry.GetNodes(sparklines),
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
            long sentState = -1;
            var sentSparks = DateTimeOffset.MinValue;
            var lastWrite = time.GetUtcNow();
            using var timer = new PeriodicTimer(options.Value.EventInterval, time);
            do
            {
                var now = time.GetUtcNow();
                bool wrote = false;
                var sparks = Sparks(now);
                if (sparks.At != sentSparks)
                {
                    sentSparks = sparks.At;
                    await WriteEventAsync(http.Response, "sparks", sparks.Json, ct);
                    wrote = true;
                }

                var state = State();
                if (state.Version != sentState)
                {
                    sentState = state.Version;
                    await WriteEventAsync(http.Response, "state", state.Json, ct);
                    wrote = true;
                }

                if (wrote)
                {
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

    private (long Version, byte[] Json) State()
    {
        long version = registry.Version + alerts.Version;
        lock (_gate)
        {
            if (_state.Version != version)
            {
                _state = (version, JsonSerializer.SerializeToUtf8Bytes(Snapshot(sparklines: false) with { Version = version }, ViewJsonContext.Default.LiveState));
            }

            return _state;
        }
    }

    private (DateTimeOffset At, byte[] Json) Sparks(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (now - _sparks.At >= options.Value.SparklineInterval)
            {
                _sparks = (now, JsonSerializer.SerializeToUtf8Bytes(LiveSparklines.From(registry.GetNodes(sparklines: true), now), ViewJsonContext.Default.LiveSparklines));
            }

            return _sparks;
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, string name, byte[] json, CancellationToken ct)
    {
        await response.WriteAsync($"event: {name}\ndata: ", ct);
        await response.Body.WriteAsync(json, ct);
        await response.WriteAsync("\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
