using CityBrain.Hub.Configuration;
using System.Buffers;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// Writes a <see cref="PointBatch"/> to one sink, encoded in the sink's <see cref="IPointSink.Format"/> (line protocol
/// by the hub's <see cref="LineProtocolEncoder"/>, shared by the sinks that take every point; a sink with
/// <see cref="DomainFilter"/> domains gets its own encoding of its points), until the sink has either stored or definitively refused every line:
/// transient failures are retried without limit (exponential backoff with jitter, Retry-After honoured, a circuit
/// breaker while the database is down) — the data stays unacknowledged at the broker meanwhile, so nothing is lost;
/// a refused request is bisected to find the refused lines, which are returned with the server's reason.
/// </summary>
public sealed class ResilientSinkWriter : IAsyncDisposable
{
    private readonly IPointSink _sink;
    private readonly ResiliencePipeline<SinkWriteResult> _pipeline;
    private readonly ILogger _logger;
    private readonly ISinkMetrics? _metrics;
    private readonly LineProtocolEncoder _encoder;
    private readonly SinkHealth? _health;
    private readonly DomainFilter? _domains;

    /// <param name="health">Told of every failed and every answered write (the <c>database</c> alert rule reads it).</param>
    /// <param name="domains">Writes only the points of these domains (a department's database); null = every point.</param>
    /// <param name="encoder">The line-protocol encoder (the hub's columns and grid registry); default: every column, no registry.</param>
    public ResilientSinkWriter(IPointSink sink, WriteResilienceOptions options, TimeProvider timeProvider, ILogger logger, ISinkMetrics? metrics = null, SinkHealth? health = null, DomainFilter? domains = null, LineProtocolEncoder? encoder = null)
    {
        _encoder = encoder ?? new LineProtocolEncoder();
        _domains = domains;
        _sink = sink;
        _health = health;
        _logger = logger;
        _metrics = metrics;
        var maxDelay = TimeSpan.FromSeconds(options.MaxRetryDelaySeconds);
        var initialDelay = TimeSpan.FromMilliseconds(options.InitialRetryDelayMilliseconds);
        _pipeline = new ResiliencePipelineBuilder<SinkWriteResult> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<SinkWriteResult>
            {
                ShouldHandle = new PredicateBuilder<SinkWriteResult>()
                    .HandleResult(r => r.Status == SinkWriteStatus.Transient)
                    .Handle<BrokenCircuitException>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.InitialRetryDelayMilliseconds),
                MaxDelay = maxDelay,
                DelayGenerator = args =>
                {
                    TimeSpan? serverSays = args.Outcome.Result.RetryAfter
                        ?? (args.Outcome.Exception as BrokenCircuitException)?.RetryAfter;
                    return ValueTask.FromResult<TimeSpan?>(serverSays is { } d && d > TimeSpan.FromMilliseconds(1)
                        ? (d < maxDelay ? d : maxDelay)
                        : Backoff(args.AttemptNumber, initialDelay, maxDelay));
                },
                OnRetry = args =>
                {
                    _metrics?.Retry(_sink.Name);
                    _health?.Failed(_sink.Name, args.Outcome.Exception?.Message ?? args.Outcome.Result.ToString());

                    // Rate-limited logging: the first attempts, then every 2^n-th.
                    int n = args.AttemptNumber + 1;
                    if (n <= 3 || (n & (n - 1)) == 0)
                    {
                        string why = args.Outcome.Exception?.Message ?? args.Outcome.Result.ToString();
                        _logger.LogWarning("Write to {Sink} failed (attempt {Attempt}): {Reason}; retrying in {Delay} ms; the data stays unacknowledged at the broker",
                            _sink.Name, n, why, (long)args.RetryDelay.TotalMilliseconds);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<SinkWriteResult>
            {
                ShouldHandle = new PredicateBuilder<SinkWriteResult>().HandleResult(r => r.Status == SinkWriteStatus.Transient),
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(options.BreakerSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(options.BreakerBreakSeconds),
                OnOpened = args =>
                {
                    _metrics?.BreakerOpened(_sink.Name);
                    _logger.LogError("Circuit to {Sink} opened for {Seconds} s after repeated failures: {Reason}", _sink.Name, args.BreakDuration.TotalSeconds, args.Outcome.Result.ToString());
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("Circuit to {Sink} closed: writes succeed again", _sink.Name);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public string Name => _sink.Name;

    /// <summary>
    /// Exponential backoff with "equal jitter": half the capped exponential delay plus a random half. Computed here
    /// because Polly's built-in exponential delay collapsed to 0 ms after a few dozen attempts of an endless retry.
    /// </summary>
    public static TimeSpan Backoff(int attempt, TimeSpan initial, TimeSpan max)
    {
        double capped = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 30)));
        return TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
    }

    public PointFormat Format => _sink.Format;

    /// <summary>
    /// Writes every point of the batch (of the sink's domains) in the sink's format; returns the points the server
    /// refused for good, or that cannot be encoded in that format, by their index in <paramref name="points"/>.
    /// </summary>
    public async Task<IReadOnlyList<RejectedLine>> WriteAsync(PointBatch points, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (_sink.Format == PointFormat.Points)
        {
            return await WritePointsAsync(points, cancellationToken);
        }

        if (_domains is null)
        {
            var shared = points.SharedLines(_encoder, out var unencodable);
            return [.. unencodable, .. ToPoints(shared, await WriteAsync(shared, cancellationToken))];
        }

        // The domain's own lines (pooled buffer): each line's origin is its point's index.
        var unencoded = new List<RejectedLine>();
        using var selected = _encoder.Encode(points, _domains, unencoded);
        return [.. unencoded, .. ToPoints(selected, await WriteAsync(selected, cancellationToken))];
    }

    /// <summary>Writes every line of the batch; returns the lines the server refused for good, by line index (empty when all were stored).</summary>
    public async Task<IReadOnlyList<RejectedLine>> WriteAsync(LineBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rejected = new List<RejectedLine>();
        if (batch.Count > 0)
        {
            await WriteRangeAsync((from, to, ct) => _sink.WriteAsync(batch.Content(from, to), to - from, ct), 0, batch.Count, rejected, cancellationToken);
        }

        return rejected;
    }

    private static IEnumerable<RejectedLine> ToPoints(LineBatch lines, IReadOnlyList<RejectedLine> refused) =>
        refused.Select(r => r with { Index = lines.OriginOf(r.Index), Line = lines.LineText(r.Index) });

    private async Task<IReadOnlyList<RejectedLine>> WritePointsAsync(PointBatch points, CancellationToken cancellationToken)
    {
        var selected = ArrayPool<TelemetryPoint>.Shared.Rent(Math.Max(1, points.Count));
        var indices = ArrayPool<int>.Shared.Rent(Math.Max(1, points.Count));
        try
        {
            int count = points.Select(_domains, selected, indices);
            var rejected = new List<RejectedLine>();
            if (count > 0)
            {
                await WriteRangeAsync((from, to, ct) => _sink.WriteAsync(selected.AsMemory(from, to - from), ct), 0, count, rejected, cancellationToken);
            }

            return [.. rejected.Select(r => r with { Index = indices[r.Index] })];
        }
        finally
        {
            ArrayPool<TelemetryPoint>.Shared.Return(selected, clearArray: true);
            ArrayPool<int>.Shared.Return(indices);
        }
    }

    private async Task WriteRangeAsync(Func<int, int, CancellationToken, Task<SinkWriteResult>> write, int from, int to, List<RejectedLine> rejected, CancellationToken cancellationToken)
    {
        var result = await _pipeline.ExecuteAsync(
            static async (state, ct) => await state.write(state.from, state.to, ct),
            (write, from, to),
            cancellationToken);
        _health?.Succeeded(_sink.Name); // answered (accepted or refused): the database is up
        if (result.Status == SinkWriteStatus.Accepted)
        {
            return;
        }

        // InfluxDB 1.x says how many points it dropped (never which): when that is every line of the request, they are
        // all refused and nothing needs re-sending.
        var (kind, dropped) = InfluxPartialWrite.Parse(result.Message);
        if (to - from == 1 || dropped == to - from)
        {
            for (int i = from; i < to; i++)
            {
                rejected.Add(new RejectedLine(i, $"{_sink.Name} refused the point (HTTP {result.HttpStatus}, {kind}): {result.Message}"));
            }

            return;
        }

        // Part of the request was refused. InfluxDB keeps the good lines of a partial write, so re-sending halves
        // is idempotent (same series + timestamp overwrite); each half narrows down the refused lines.
        int mid = from + ((to - from) / 2);
        await WriteRangeAsync(write, from, mid, rejected, cancellationToken);
        await WriteRangeAsync(write, mid, to, rejected, cancellationToken);
    }

    public ValueTask DisposeAsync() => _sink.DisposeAsync();
}
