namespace CityBrain.Sensing.Hardware;

/// <summary>
/// One physical bus, one lock: the one-transaction-at-a-time lock of an RS-485 line, a Modbus TCP connection or an
/// I2C bus, first come first served, handing over directly: <see cref="Release"/>
/// completes the next waiter on the releasing thread, whose continuation runs there up to its first pending I/O,
/// instead of queueing it to the thread pool as <see cref="SemaphoreSlim"/> does (a thread wake-up per contended
/// transaction). Cancelling a wait removes the waiter. Nested hand-overs (a transaction that completed without
/// pending I/O) are bounded; deeper ones go through the thread pool.
/// </summary>
public sealed class BusLock
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

    /// <summary>
    /// Takes the lock within <paramref name="timeout"/> (a hung neighbour must not hold a caller forever); dispose the
    /// result to release it. Throws <see cref="TimeoutException"/> when the bus stayed busy.
    /// </summary>
    public async ValueTask<Held> AcquireAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await EnterAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the bus stayed busy for {timeout.TotalMilliseconds:0} ms");
        }

        return new Held(this);
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

    /// <summary>The lock while held; disposing releases it once.</summary>
    public struct Held : IDisposable
    {
        private BusLock? _owner;

        internal Held(BusLock owner) => _owner = owner;

        public void Dispose()
        {
            var owner = _owner;
            _owner = null;
            owner?.Release();
        }
    }
}
