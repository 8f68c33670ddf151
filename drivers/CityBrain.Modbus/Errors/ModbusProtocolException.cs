namespace CityBrain.Modbus;

/// <summary>The peer answered with a frame that violates the protocol: wrong function, length, transaction or unit (permanent).</summary>
public sealed class ModbusProtocolException : ModbusException
{
    public ModbusProtocolException()
    {
    }

    public ModbusProtocolException(string message)
        : base(message)
    {
    }

    public ModbusProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public override bool IsTransient => false;
}
