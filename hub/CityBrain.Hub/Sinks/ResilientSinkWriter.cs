using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// Writes a <see cref="LineBatch"/> to one sink until the sink has either stored or definitively refused every line:
/// transient failures are retried without limit (exponential backoff with jitter, Retry-After honoured, a circuit
/// breaker while the database is down) — the data stays unacknowledged at the broker meanwhile, so nothing is lost;
/// a refused request is bisected to find the refused lines, which are returned with the server's reason.
/// </summary>
public sealed class ResilientSinkWriter : IAsyncDisposable
{
    private readonly IPointSink _sink;
    private readonly ResiliencePipeline<SinkWriteResult> _pipeline;
    private readonly ILogger _logger;
    private readonly IngestMetrics? _metrics;
    private readonly SinkHealth? _health;
    private readonly DomainFilter? _domains;

    /// <param name="health">Told of every failed and every answered write (the <c>database</c> alert rule reads it).</param>
    /// <param name="domains">Writes only the lines of these domains (a department's database); null = every line.</param>
    public ResilientSinkWriter(IPointSink sink, WriteResilienceOptions options, TimeProvider timeProvider, ILogger logger, IngestMetrics? metrics = null, SinkHealth? health = null, DomainFilter? domains = null)
    {
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

    /// <summary>Writes every line of the batch; returns the lines the server refused for good (empty when all were stored).</summary>
    public async Task<IReadOnlyList<RejectedLine>> WriteAsync(LineBatch batch, CancellationToken cancellationToken)
    {
        var rejected = new List<RejectedLine>();
        if (_domains is not null)
        {
            // A copy of the domain's lines (pooled buffer); refused lines are reported by their index in the batch.
            using var selected = new LineBatch(Math.Max(1024, batch.ByteCount / 4));
            var indices = new List<int>();
            _domains.Select(batch, selected, indices);
            if (selected.Count > 0)
            {
                await WriteRangeAsync(selected, 0, selected.Count, rejected, cancellationToken);
            }

            return [.. rejected.Select(r => r with { Index = indices[r.Index] })];
        }

        if (batch.Count > 0)
        {
            await WriteRangeAsync(batch, 0, batch.Count, rejected, cancellationToken);
        }

        return rejected;
    }

    private async Task WriteRangeAsync(LineBatch batch, int from, int to, List<RejectedLine> rejected, CancellationToken cancellationToken)
    {
        var result = await _pipeline.ExecuteAsync(
            static async (state, ct) => await state.sink.WriteAsync(state.content, state.count, ct),
            (sink: _sink, content: batch.Content(from, to), count: to - from),
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
        await WriteRangeAsync(batch, from, mid, rejected, cancellationToken);
        await WriteRangeAsync(batch, mid, to, rejected, cancellationToken);
    }

    public ValueTask DisposeAsync() => _sink.DisposeAsync();
}
