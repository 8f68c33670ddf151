namespace CityBrain.Sensing;

/// <summary>
/// Reads one configured sensor (a device with one or more channels). The runner owns scheduling, timeouts,
/// bus locks and counters; a driver only reads and reports. Drivers get their hardware handle (GPIO controller,
/// I2C device, Modbus transport, byte stream) injected, never open it themselves.
/// </summary>
public interface ISensorDriver : IAsyncDisposable
{
    /// <summary>The sensor id within the node, as configured.</summary>
    string SensorId { get; }

    /// <summary>What this sensor reports; announced in the node's birth (status) message.</summary>
    IReadOnlyList<QuantityInfo> Quantities { get; }

    /// <summary>
    /// Reads once. Every channel yields a reading or a fault. Cancellation means the runner's timeout or shutdown;
    /// throwing is allowed and becomes a <see cref="FaultCodes.DriverError"/> fault for every channel.
    /// </summary>
    ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken);
}
