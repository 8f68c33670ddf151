using CityBrain.Sensing;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Pipeline;

/// <summary>
/// Moves readings from the intake into the buffer in batches (SD-card friendly: the buffer commits many appends as one
/// group). Several appends are kept in flight, bounded by readings, so the group-commit window (fsync every ~50 ms)
/// never caps the node's throughput at one small batch per window (4,096 readings one at a time capped it at ~75,000
/// readings/s, measured by bench/edge.sh). The buffer copies each batch before <see cref="IReadingBuffer.AppendAsync"/>
/// returns, so one batch list is reused at once and batches stay below the large object heap threshold: the memory
/// this costs is the buffer's copy of the readings in flight (<c>maxInFlightReadings</c> × 56 bytes), not ours.
/// Runs until the intake completes, then drains what is left: nothing read is lost at shutdown.
/// </summary>
public sealed class BufferAppender
{
    /// <summary>1,024 readings × 56 bytes: below the 85,000-byte large object threshold.</summary>
    public const int DefaultMaxBatch = 1024;

    /// <summary>About one group commit's worth (the disk buffer writes early at 256 KiB of estimated records).</summary>
    public const int DefaultMaxInFlightReadings = 32 * 1024;

    private readonly ReadingIntake _intake;
    private readonly IReadingBuffer _buffer;
    private readonly ILogger _logger;
    private readonly int _maxBatch;
    private readonly int _maxInFlightReadings;
    private long _appended;

    public BufferAppender(
        ReadingIntake intake, IReadingBuffer buffer, ILogger logger, int maxBatch = DefaultMaxBatch, int maxInFlightReadings = DefaultMaxInFlightReadings)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlightReadings, maxBatch);
        _intake = intake;
        _buffer = buffer;
        _logger = logger;
        _maxBatch = maxBatch;
        _maxInFlightReadings = maxInFlightReadings;
    }

    public long Appended => Interlocked.Read(ref _appended);

    public async Task RunAsync()
    {
        var reader = _intake.Reader;
        var inFlight = new Queue<(Task Append, int Count)>();
        int inFlightReadings = 0;
        var batch = new List<Reading>(_maxBatch);
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (batch.Count < _maxBatch && reader.TryRead(out var reading))
                {
                    batch.Add(reading);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                // Shutdown does not cancel an append: what was read goes into the buffer before the process stops.
                // The buffer has copied the batch when the call returns; its task completes when the copy is durable.
                inFlight.Enqueue((_buffer.AppendAsync(batch, CancellationToken.None).AsTask(), batch.Count));
                inFlightReadings += batch.Count;
                batch.Clear();
                while (inFlightReadings + _maxBatch > _maxInFlightReadings || (inFlight.Count > 0 && inFlight.Peek().Append.IsCompleted))
                {
                    inFlightReadings -= await CompleteOldestAsync(inFlight).ConfigureAwait(false);
                }
            }

            while (inFlight.Count > 0)
            {
                await CompleteOldestAsync(inFlight).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogCritical(ex, "The buffer refused an append; the appender stops");
            throw;
        }
    }

    private async Task<int> CompleteOldestAsync(Queue<(Task Append, int Count)> inFlight)
    {
        var (append, count) = inFlight.Dequeue();
        await append.ConfigureAwait(false);
        Interlocked.Add(ref _appended, count);
        return count;
    }
}
