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

        for (int i = 0; i < _channels.Count; i++)
        {
            double value = SimulatedChannels.Value(_options.Kind, _options.Seed, i, t);
            collector.Add(new Reading(_options.SensorId, _channels[i].Quantity, value, _channels[i].Unit, stamp));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
