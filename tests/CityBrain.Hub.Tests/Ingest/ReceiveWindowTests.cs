using CityBrain.Hub.Ingest;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task ByteLimit_AboveIt_WaitsUntilReleased_OrAtMostTheByteWait()
    {
        var time = new FakeTimeProvider();
        var window = new ReceiveWindow(100, byteLimit: 1000, byteWait: TimeSpan.FromSeconds(5), time);
        window.Received(600);
        await window.WaitOpenAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        window.Received(600);
        Assert.Equal(1200, window.HeldBytes);
        var released = window.WaitOpenAsync(CancellationToken.None);
        Assert.False(released.IsCompleted);
        window.Released(1, 600);
        await released.WaitAsync(TimeSpan.FromSeconds(5));

        // Nothing released (database down): the reader still goes on after the byte wait, for the keep-alive's PINGRESP.
        window.Received(600);
        var timedOut = window.WaitOpenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(timedOut.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await timedOut.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, window.Held);
    }
}
