using CityBrain.Edge.Publishing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Publishing;

public sealed class PartialBatchGateTests
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task SecondPartial_WaitsForTheFirstsAnswer_NotForATimer()
    {
        var gate = new PartialBatchGate(MaxWait, _time);

        Assert.True(gate.TryEnter());
        Assert.False(gate.TryEnter());
        var waiting = gate.WaitAsync(_time.GetTimestamp(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.False(waiting.IsCompleted);

        gate.Exit();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(gate.TryEnter());
        Assert.Equal(1, gate.InFlight);
    }

    [Fact]
    public async Task SecondPartial_NoAnswerWithinMaxWait_GoesAnywayBesideTheFirst()
    {
        var gate = new PartialBatchGate(MaxWait, _time);
        Assert.True(gate.TryEnter());
        long since = _time.GetTimestamp();

        var waiting = gate.WaitAsync(since, CancellationToken.None);
        _time.Advance(MaxWait - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        gate.Overtake();
        Assert.Equal(2, gate.InFlight);

        // A wait that starts after its deadline does not wait at all.
        Assert.False(await gate.WaitAsync(since, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
        gate.Exit();
        gate.Exit();
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public void ZeroMaxWait_PartialsNeverWaitForEachOther()
    {
        var gate = new PartialBatchGate(TimeSpan.Zero, _time);

        Assert.True(gate.TryEnter());
        Assert.True(gate.TryEnter());
        Assert.Equal(2, gate.InFlight);
    }
}
