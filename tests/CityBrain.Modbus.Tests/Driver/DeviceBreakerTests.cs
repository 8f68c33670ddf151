using CityBrain.Drivers.Modbus;
using Microsoft.Extensions.Time.Testing;
using static CityBrain.Drivers.Modbus.DeviceBreaker;

namespace CityBrain.Modbus.Tests.Driver;

/// <summary>The per-device breaker on a fake clock: when it opens, how often it probes, when it closes.</summary>
public sealed class DeviceBreakerTests
{
    private static readonly ModbusResilienceOptions Options = new() { TimeoutsToOpen = 2, FailuresToOpen = 3, BreakDuration = TimeSpan.FromSeconds(10), MaxBreakDuration = TimeSpan.FromSeconds(30) };

    [Fact]
    public void IsolatedTimeouts_OfAnAnsweringDevice_NeverOpenIt()
    {
        var breaker = new DeviceBreaker(Options, new FakeTimeProvider());
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(Admission.Pass, breaker.TryEnter(out _));
            breaker.OnFailure(timeout: true);
            breaker.OnAnswered();
        }

        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public void TwoTimeoutsInARow_Open_ThenOneProbePerBreak_DoublingUpToTheMax()
    {
        var time = new FakeTimeProvider();
        var breaker = new DeviceBreaker(Options, time);
        var changes = new List<(bool Opened, TimeSpan Break)>();
        breaker.StateChanged += (opened, length) => changes.Add((opened, length));

        AssertOpensAfter(breaker, Options.TimeoutsToOpen, timeout: true);

        foreach (int seconds in new[] { 10, 20, 30, 30 })
        {
            time.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(Admission.Reject, breaker.TryEnter(out _));
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(Admission.Probe, breaker.TryEnter(out _));
            Assert.Equal(Admission.Reject, breaker.TryEnter(out _)); // one probe at a time
            breaker.OnFailure(timeout: true);
        }

        Assert.Equal([(true, TimeSpan.FromSeconds(10)), (true, TimeSpan.FromSeconds(20)), (true, TimeSpan.FromSeconds(30)), (true, TimeSpan.FromSeconds(30)), (true, TimeSpan.FromSeconds(30))], changes);
    }

    [Fact]
    public void ProbeAnswered_Closes_AndTheNextOpeningStartsFromTheBaseBreak()
    {
        var time = new FakeTimeProvider();
        var breaker = new DeviceBreaker(Options, time);
        breaker.OnFailure(timeout: true);
        breaker.OnFailure(timeout: true);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(Admission.Probe, breaker.TryEnter(out _));
        breaker.OnFailure(timeout: true);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(Admission.Probe, breaker.TryEnter(out _));
        breaker.OnAnswered();
        Assert.False(breaker.IsOpen);
        Assert.Equal(Admission.Pass, breaker.TryEnter(out _));

        AssertOpensAfter(breaker, Options.FailuresToOpen, timeout: false);
    }

    /// <summary>n - 1 failures leave it closed; the n-th opens it for the base break.</summary>
    private static void AssertOpensAfter(DeviceBreaker breaker, int n, bool timeout)
    {
        for (int i = 1; i < n; i++)
        {
            breaker.OnFailure(timeout);
            Assert.False(breaker.IsOpen);
        }

        breaker.OnFailure(timeout);
        Assert.True(breaker.IsOpen);
        Assert.Equal(Admission.Reject, breaker.TryEnter(out var retryAfter));
        Assert.Equal(Options.BreakDuration, retryAfter);
    }

    [Fact]
    public void AbandonedProbe_LetsTheNextRequestProbe()
    {
        var time = new FakeTimeProvider();
        var breaker = new DeviceBreaker(Options with { TimeoutsToOpen = 1 }, time);
        breaker.OnFailure(timeout: true);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(Admission.Probe, breaker.TryEnter(out _));
        breaker.Abandon();
        Assert.Equal(Admission.Probe, breaker.TryEnter(out _));
        Assert.True(breaker.IsOpen);
    }
}
