namespace CityBrain.Drivers.I2c;

/// <summary>Thrown by a chip adapter when the chip answered but its answer is no value (CRC mismatch, out of range, not ready).</summary>
public sealed class ChipFaultException : Exception
{
    public ChipFaultException()
        : this(new ChipFault(CityBrain.Sensing.FaultCodes.DriverError, "chip fault", Retry: false))
    {
    }

    public ChipFaultException(string message)
        : this(new ChipFault(CityBrain.Sensing.FaultCodes.DriverError, message, Retry: false))
    {
    }

    public ChipFaultException(string message, Exception innerException)
        : base(message, innerException) => Fault = new ChipFault(CityBrain.Sensing.FaultCodes.DriverError, message, Retry: false);

    public ChipFaultException(ChipFault fault)
        : base(fault?.Message) => Fault = fault!;

    public ChipFault Fault { get; }

    public static ChipFaultException Crc(string what) => new(new ChipFault(CityBrain.Sensing.FaultCodes.Crc, what + ": CRC mismatch", Retry: true));

    public static ChipFaultException OutOfRange(string what) => new(new ChipFault(CityBrain.Sensing.FaultCodes.OutOfRange, what, Retry: false));

    public static ChipFaultException NotReady(string what) => new(new ChipFault(CityBrain.Sensing.FaultCodes.NotReady, what, Retry: false));
}
