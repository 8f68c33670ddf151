using System.Device.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>One chip the <c>i2c</c> driver knows: its configuration name, addresses, and how to build its adapter.</summary>
/// <param name="Name">The value of <c>chip</c>.</param>
/// <param name="DefaultAddress">The address when the entry sets none.</param>
/// <param name="Addresses">The addresses the chip can be strapped to.</param>
/// <param name="MinInterval">The shortest useful poll interval (the chip's own measurement period).</param>
/// <param name="Channels">What a sensor with these fields reports.</param>
/// <param name="Create">Builds the adapter on an open device (talks to the chip).</param>
internal sealed record ChipKind(
    string Name,
    int DefaultAddress,
    int[] Addresses,
    TimeSpan MinInterval,
    Func<I2cSensorFields, IReadOnlyList<QuantityInfo>> Channels,
    Func<I2cSensorFields, I2cDevice, II2cChip> Create);
