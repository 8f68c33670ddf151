using CityBrain.Hub.Ingest;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class ReceiveWindowTests
{
    [Fact]
    public async Task WaitOpen_AtTheLimit_StaysOpen_AboveIt_WaitsUntilReleased()
    {
        var window = new ReceiveWindow(2);
        window.Received();
        window.Received();
        await window.WaitOpenAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)); // at the limit: PINGRESP must still be read

        window.Received();
        var wait = window.WaitOpenAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);

        window.Released(1);
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, window.Held);
    }

    [Fact]
    public async Task Reset_NewConnection_OpensAndForgetsHeld()
    {
        var window = new ReceiveWindow(1);
        window.Received();
        window.Received();
        var wait = window.WaitOpenAsync(CancellationToken.None);

        window.Reset();

        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, window.Held);
    }
}
