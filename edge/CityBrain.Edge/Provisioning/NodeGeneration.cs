using CityBrain.Edge.Hosting;

namespace CityBrain.Edge.Provisioning;

/// <summary>One configuration's running node: the node, what stops it, and its run.</summary>
internal sealed class NodeGeneration(EdgeNode node, CancellationTokenSource stop, Task run)
{
    public EdgeNode Node { get; } = node;

    /// <summary>Stops the node in order (runners, intake into the buffer, shutdown status) and disposes it; the buffer stays open.</summary>
    /// <returns>How many readings its sensors produced.</returns>
    public async Task<long> StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await run.ConfigureAwait(false);
        }
        finally
        {
            stop.Dispose();
            await Node.DisposeAsync().ConfigureAwait(false);
        }

        return Node.Runners.Sum(r => r.State.Sampled);
    }
}
