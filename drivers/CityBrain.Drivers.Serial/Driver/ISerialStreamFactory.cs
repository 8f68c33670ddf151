namespace CityBrain.Drivers.Serial;

/// <summary>Opens a serial port as a stream whose reads time out; tests register a fake under <see cref="SerialHardware.StreamFactoryKey"/>.</summary>
public interface ISerialStreamFactory
{
    /// <summary>The open port <paramref name="port"/> (8N1 at <paramref name="baudRate"/>); a read waits at most <paramref name="readTimeout"/> (then <see cref="TimeoutException"/>).</summary>
    Stream Open(string port, int baudRate, TimeSpan readTimeout);
}
