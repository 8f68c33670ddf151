namespace CityBrain.Edge.Publishing;

/// <summary>
/// Batching by size and age without a timer on the quiet path (Nagle's rule, per node): a full batch goes at once;
/// a partial batch goes at once when no other partial batch is awaiting its PUBACK, otherwise it waits for that
/// PUBACK (at most <c>maxWait</c>, then it goes anyway) so the readings that arrive meanwhile travel in one message.
/// A quiet node therefore sends each reading as soon as it is buffered, and a busy one sends fuller messages as its
/// round trip grows, without waiting on a fixed delay.
/// </summary>
public sealed class PartialBatchGate(TimeSpan maxWait, TimeProvider time)
{
    private readonly Lock _lock = new();
    private int _inFlight;
    private TaskCompletionSource _released = NewSignal();

    /// <summary>Partial batches awaiting their PUBACK.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Takes the gate for a partial batch if no other partial batch is in flight; release it with <see cref="Exit"/>.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_inFlight > 0 && maxWait > TimeSpan.Zero)
            {
                return false;
            }

            _inFlight++;
            return true;
        }
    }

    /// <summary>
    /// Waits until the partial batch in flight is answered or <c>maxWait</c> has passed since
    /// <paramref name="waitingSince"/> (a <see cref="TimeProvider.GetTimestamp"/>). True when the gate was released
    /// (take a fresh batch and try again), false when the wait is over (send anyway with <see cref="Overtake"/>).
    /// </summary>
    public async Task<bool> WaitAsync(long waitingSince, CancellationToken cancellationToken)
    {
        Task released;
        lock (_lock)
        {
            if (_inFlight == 0)
            {
                return true;
            }

            released = _released.Task;
        }

        var left = maxWait - time.GetElapsedTime(waitingSince);
        if (left <= TimeSpan.Zero)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(left, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await released.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Sends a partial batch that waited long enough, beside the one in flight; release it with <see cref="Exit"/>.</summary>
    public void Overtake()
    {
        lock (_lock)
        {
            _inFlight++;
        }
    }

    /// <summary>A partial batch was answered (PUBACK, failure or cancellation): wakes the batches waiting for it.</summary>
    public void Exit()
    {
        TaskCompletionSource released;
        lock (_lock)
        {
            _inFlight--;
            released = _released;
            _released = NewSignal();
        }

        released.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
