namespace CityBrain.Modbus;

/// <summary>Decides, per request, whether a server misbehaves (the device simulator's fault injection).</summary>
public interface IModbusFaultInjector
{
    ModbusFaultAction Decide(byte unit, ReadOnlySpan<byte> requestPdu);
}
