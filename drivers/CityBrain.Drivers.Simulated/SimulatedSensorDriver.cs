using CityBrain.Sensing;

namespace CityBrain.Drivers.Simulated;

/// <summary>
/// A sensor with no hardware: values are a pure function of (seed, channel, time) from <see cref="SimulatedChannels"/>,
/// so the whole data path runs — and is checked — without a single device.
/// </summary>
public sealed class SimulatedSensorDriver : ISensorDriver
{
    private readonly SimulatedSensorOptions _options;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<QuantityInfo> _channels;
    private long _polls;

    public SimulatedSensorDriver(SimulatedSensorOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SamplesPerPoll, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SamplesPerPoll, SimulatedSensorOptions.MaxSamplesPerPoll);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PollInterval, TimeSpan.Zero);
        _options = options;
        _time = time;
        _channels = SimulatedChannels.For(options.Kind);
    }

    public string SensorId => _options.SensorId;

    public IReadOnlyList<QuantityInfo> Quantities => _channels;

    public ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        long t = now.ToUnixTimeMilliseconds();
        var stamp = DateTimeOffset.FromUnixTimeMilliseconds(t);
        long poll = ++_polls;
        if (_options.FaultEvery > 0 && poll % _options.FaultEvery == 0)
        {
            collector.AddFault(new SensorFault(_options.SensorId, FaultCodes.Timeout, $"simulated timeout on poll {poll}", stamp));
            return ValueTask.CompletedTask;
        }

        int samples = _options.SamplesPerPoll;
        long spanMs = (long)_options.PollInterval.TotalMilliseconds;
        for (int k = 0; k < samples; k++)
        {
            // Sample k of n is stamped (n-1-k)/n of the interval before now: evenly spread, the last one at now.
            long ts = samples == 1 ? t : t - (spanMs * (samples - 1 - k) / samples);
            var sampleStamp = ts == t ? stamp : DateTimeOffset.FromUnixTimeMilliseconds(ts);
            for (int i = 0; i < _channels.Count; i++)
            {
                double value = SimulatedChannels.Value(_options.Kind, _options.Seed, i, ts);
                collector.Add(new Reading(_options.SensorId, _channels[i].Quantity, value, _channels[i].Unit, sampleStamp));
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
