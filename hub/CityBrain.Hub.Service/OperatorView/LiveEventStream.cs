using System.Buffers;
using System.IO.Pipelines;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// <c>GET /api/events?district=&amp;grid=&amp;status=&amp;q=</c>: Server-Sent Events for one scope (the page's
/// filters; the page reconnects when they change). A <c>state</c> event (<see cref="LiveState"/>: every node's
/// summary, the scope's sensor detail when it holds at most <see cref="OperatorViewOptions.MaxDetailSensors"/>
/// sensors, the alerts) at once and then whenever the registry or the alerts changed, checked every
/// <see cref="OperatorViewOptions.EventInterval"/>; a <c>sparks</c> event (<see cref="LiveSparklines"/>, the nodes
/// whose detail the state holds) at once and every <see cref="OperatorViewOptions.SparklineInterval"/>; a comment as
/// heartbeat every 15 s otherwise. A state payload is built once per change and scope and shared by the clients of
/// that scope (at most <see cref="MaxCachedScopes"/> scopes kept); sparks are written node by node to each client.
/// At most <see cref="OperatorViewOptions.MaxEventClients"/> clients.
/// </summary>
public sealed class LiveEventStream(HealthRegistry registry, AlertEngine alerts, LiveViewWriter writer, IOptions<OperatorViewOptions> options, TimeProvider time)
{
    /// <summary>State payloads kept (least recently used dropped first): each is at most the city's summaries plus <see cref="OperatorViewOptions.MaxDetailSensors"/> sensors' detail.</summary>
    public const int MaxCachedScopes = 8;

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private readonly Lock _gate = new();
    private readonly Dictionary<NodeFilter, CachedState> _states = [];
    private long _uses;
    private int _clients;

    public int Clients => Volatile.Read(ref _clients);

    /// <summary>Scopes whose state payload is kept now (at most <see cref="MaxCachedScopes"/>).</summary>
    public int CachedScopes
    {
        get
        {
            lock (_gate)
            {
                return _states.Count;
            }
        }
    }

    /// <summary>The current <c>state</c> payload of <paramref name="filter"/>: cached while nothing changed.</summary>
    public LivePayload State(NodeFilter filter)
    {
        long version = registry.Version + alerts.Version;
        lock (_gate)
        {
            if (!_states.TryGetValue(filter, out var cached) || cached.Payload.Version != version)
            {
                var buffer = new ArrayBufferWriter<byte>(64 * 1024);
                var detailed = writer.WriteState(buffer, filter, version);
                cached = new CachedState(new LivePayload(version, buffer.WrittenSpan.ToArray(), detailed));
                _states[filter] = cached;
                if (_states.Count > MaxCachedScopes)
                {
                    _states.Remove(_states.MinBy(s => s.Value.LastUse).Key);
                }
            }

            cached.LastUse = ++_uses;
            return cached.Payload;
        }
    }

    /// <summary>Writes the <c>sparks</c> payload of <paramref name="filter"/> (the nodes its state details) to <paramref name="output"/>.</summary>
    public Task WriteSparksAsync(PipeWriter output, NodeFilter filter, CancellationToken cancellationToken) =>
        writer.WriteSparksAsync(output, State(filter).Detailed, cancellationToken);

    public async Task StreamAsync(HttpContext http, NodeFilter filter)
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
            var output = http.Response.BodyWriter;
            long sentState = -1;
            DateTimeOffset? sentSparks = null;
            var lastWrite = time.GetUtcNow();
            using var timer = new PeriodicTimer(options.Value.EventInterval, time);
            do
            {
                var now = time.GetUtcNow();
                bool wrote = false;
                var state = State(filter);
                if (sentSparks is not { } at || now - at >= options.Value.SparklineInterval)
                {
                    sentSparks = now;
                    output.Write("event: sparks\ndata: "u8);
                    await writer.WriteSparksAsync(output, state.Detailed, ct);
                    output.Write("\n\n"u8);
                    wrote = true;
                }

                if (state.Version != sentState)
                {
                    sentState = state.Version;
                    output.Write("event: state\ndata: "u8);
                    output.Write(state.Json);
                    output.Write("\n\n"u8);
                    wrote = true;
                }

                if (wrote)
                {
                    lastWrite = now;
                }
                else if (now - lastWrite >= Heartbeat)
                {
                    output.Write(": keep-alive\n\n"u8);
                    lastWrite = now;
                }

                await output.FlushAsync(ct);
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

    private sealed class CachedState(LivePayload payload)
    {
        public LivePayload Payload { get; } = payload;

        public long LastUse { get; set; }
    }
}

/// <summary>A built <c>state</c> payload: its version, its JSON, and the nodes whose detail it holds.</summary>
public sealed record LivePayload(long Version, byte[] Json, IReadOnlyList<string> Detailed);
