namespace CityBrain.Drivers.Gpio.Tests;

public sealed class DebouncerTests
{
    [Fact]
    public void Bounce_SettlesOnceTheLevelHoldsForTheDebounce_DatedAtTheFirstEdge()
    {
        var d = new Debouncer(initialHigh: true, debounceTicks: 10);
        Assert.False(d.OnEdge(false, 100, out _));
        Assert.False(d.OnEdge(true, 102, out _));
        Assert.False(d.OnEdge(false, 104, out _));
        Assert.Equal(114, d.Deadline);
        Assert.False(d.Settle(113, out _));
        Assert.True(d.Settle(114, out var change));
        Assert.Equal(new LevelChange(false, 100), change);
        Assert.Null(d.Deadline);
        Assert.False(d.Stable);
    }

    [Fact]
    public void NextEdge_SettlesThePreviousBurst_WithoutATimer()
    {
        var d = new Debouncer(initialHigh: true, debounceTicks: 10);
        d.OnEdge(false, 100, out _);
        Assert.True(d.OnEdge(true, 150, out var change));
        Assert.Equal(new LevelChange(false, 100), change);
        Assert.True(d.Settle(160, out change));
        Assert.Equal(new LevelChange(true, 150), change);
    }

    [Fact]
    public void ZeroDebounce_EveryEdgeIsAChange()
    {
        var d = new Debouncer(initialHigh: false, debounceTicks: 0);
        Assert.True(d.OnEdge(true, 5, out var up));
        Assert.True(d.OnEdge(false, 5, out var down));
        Assert.Equal((new LevelChange(true, 5), new LevelChange(false, 5)), (up, down));
    }
}
