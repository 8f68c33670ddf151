namespace CityBrain.Sensing;

/// <summary>Stable reason codes for <see cref="SensorFault"/>; they appear in health messages and alerts.</summary>
public static class FaultCodes
{
    public const string Timeout = "timeout";
    public const string Crc = "crc";
    public const string DeviceException = "device_exception";
    public const string DeviceBusy = "device_busy";
    public const string Disconnected = "disconnected";
    public const string CircuitOpen = "circuit_open";
    public const string ProtocolViolation = "protocol_violation";
    public const string Configuration = "configuration";
    public const string OutOfRange = "out_of_range";
    public const string NotAvailable = "not_available";
    public const string Overrun = "overrun";
    public const string DriverError = "driver_error";
}
