using CityBrain.Sensing.Hardware;

namespace CityBrain.Drivers.Serial;

/// <summary>The serial driver's shared handles in a <see cref="HardwareContext"/>.</summary>
public static class SerialHardware
{
    /// <summary>The <see cref="ISerialStreamFactory"/> serial sensors open their port with.</summary>
    public const string StreamFactoryKey = "serial:stream-factory";

    public static ISerialStreamFactory StreamFactory(HardwareContext hardware) =>
        hardware.GetOrAdd<ISerialStreamFactory>(StreamFactoryKey, static () => new SystemSerialStreamFactory());
}
