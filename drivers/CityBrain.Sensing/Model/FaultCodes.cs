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

    /// <summary>Nothing acknowledged at the device's address (I2C error 121 / 6: unplugged, wrong address, no power).</summary>
    public const string Absent = "absent";

    /// <summary>A device answered at the address, but it is not the configured chip (its id register differs).</summary>
    public const string WrongChip = "wrong_chip";

    /// <summary>A transfer on the bus failed (I/O error, lost arbitration) for a device that was there before.</summary>
    public const string BusError = "bus_error";

    /// <summary>The device has no new measurement yet (it measures on its own period); no value rather than the old one.</summary>
    public const string NotReady = "not_ready";
}
