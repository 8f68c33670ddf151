namespace CityBrain.Edge.Publishing;

internal static class SemaphoreExtensions
{
    /// <summary>Releases a 0/1 semaphore used as a wake-up signal without throwing when it is already signalled.</summary>
    public static void Release2(this SemaphoreSlim semaphore)
    {
        try
        {
            semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    /// <summary>Waits for the signal or the delay (measured on <paramref name="time"/>), whichever comes first.</summary>
    public static async Task WaitAsync(this SemaphoreSlim semaphore, TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(delay, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await semaphore.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }
    }
}
