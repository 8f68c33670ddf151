namespace CityBrain.Modbus;

/// <summary>
/// The bus's one-transaction-at-a-time lock, first come first served, handing over directly: <see cref="Release"/>
/// completes the next waiter on the releasing thread, whose continuation runs there up to its first pending I/O,
/// instead of queueing it to the thread pool as <see cref="SemaphoreSlim"/> does (a thread wake-up per contended
/// transaction). Cancelling a wait removes the waiter. Nested hand-overs (a transaction that completed without
/// pending I/O) are bounded; deeper ones go through the thread pool.
/// </summary>
internal sealed class BusGate
{
    private const int MaxInlineDepth = 4;

    [ThreadStatic]
    private static int t_depth;

    private readonly Lock _lock = new();
    private readonly Queue<Waiter> _waiters = new();
    private bool _taken;

    /// <summary>Takes the gate, or waits for it in arrival order.</summary>
    public ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (!_taken)
            {
                _taken = true;
                return ValueTask.CompletedTask;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled(cancellationToken);
            }

            waiter = new Waiter();
            _waiters.Enqueue(waiter);
        }

        return waiter.WaitAsync(cancellationToken);
    }

    /// <summary>Hands the gate to the next waiter that has not given up, or frees it.</summary>
    public void Release()
    {
        if (t_depth >= MaxInlineDepth)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static gate => gate.HandOver(), this, preferLocal: false);
            return;
        }

        t_depth++;
        try
        {
            HandOver();
        }
        finally
        {
            t_depth--;
        }
    }

    private void HandOver()
    {
        while (true)
        {
            Waiter next;
            lock (_lock)
            {
                if (!_waiters.TryDequeue(out next!))
                {
                    _taken = false;
                    return;
                }
            }

            // Outside the lock: the waiter's continuation runs here. A waiter that was cancelled meanwhile is skipped.
            if (next.TryGrant())
            {
                return;
            }
        }
    }

    private sealed class Waiter
    {
        // Continuations run on the granting thread (no RunContinuationsAsynchronously): that is the hand-over.
        private readonly TaskCompletionSource _granted = new();

        public bool TryGrant() => _granted.TrySetResult();

        public async ValueTask WaitAsync(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
            {
                using var registration = cancellationToken.UnsafeRegister(static (s, token) => ((TaskCompletionSource)s!).TrySetCanceled(token), _granted);
                await _granted.Task.ConfigureAwait(false);
                return;
            }

            await _granted.Task.ConfigureAwait(false);
        }
    }
}
