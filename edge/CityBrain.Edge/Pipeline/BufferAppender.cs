using CityBrain.Sensing;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Pipeline;

/// <summary>
/// Moves readings from the intake into the buffer in batches (one append per batch: SD-card friendly and the unit of
/// group commit). The appender is the buffer's only writer, so each append waits out the whole group-commit window
/// (50 ms) alone: throughput is capped at maxBatch / (window + fsync), ~75,000 readings/s with 4,096, ~600,000 with
/// 32,768 (measured by bench/edge.sh). Runs until the intake completes, then drains what is left — nothing accepted is lost at shutdown.
/// </summary>
public sealed class BufferAppender
{
    private readonly ReadingIntake _intake;
    private readonly IReadingBuffer _buffer;
    private readonly ILogger _logger;
    private readonly int _maxBatch;

    public BufferAppender(ReadingIntake intake, IReadingBuffer buffer, ILogger logger, int maxBatch = 32_768)
    {
        _intake = intake;
        _buffer = buffer;
        _logger = logger;
        _maxBatch = maxBatch;
    }

    public long Appended { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _intake.Reader;
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
                await _buffer.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
                Appended += batch.Count;
                batch.Clear();
                if (cancellationToken.IsCancellationRequested && reader.Count == 0)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogCritical(ex, "The buffer refused an append of {Count} readings; the appender stops", batch.Count);
            throw;
        }
    }
}
