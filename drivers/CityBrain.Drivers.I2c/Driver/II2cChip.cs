using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c;

/// <summary>
/// One chip's adapter over its Iot.Device.Bindings class: built on an open device (the binding's constructor talks to
/// the chip), then read once per poll. Runs inside the bus's lock, on a pool thread: blocking transfers are fine here.
/// </summary>
internal interface II2cChip : IDisposable
{
    /// <summary>What one read yields, in order.</summary>
    IReadOnlyList<QuantityInfo> Quantities { get; }

    /// <summary>Reads once into <paramref name="values"/> (one per quantity); throws <see cref="ChipFaultException"/> or the transfer's exception.</summary>
    void Read(Span<double> values);
}
