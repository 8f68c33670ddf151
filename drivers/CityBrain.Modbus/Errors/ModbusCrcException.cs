namespace CityBrain.Modbus;

/// <summary>An RTU frame arrived with a wrong CRC-16 (transient: line noise, wrong baud/parity).</summary>
public sealed class ModbusCrcException : ModbusException
{
    public ModbusCrcException()
    {
    }

    public ModbusCrcException(string message)
        : base(message)
    {
    }

    public ModbusCrcException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public override bool IsTransient => true;
}
