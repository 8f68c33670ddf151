namespace CityBrain.Modbus;

/// <summary>
/// Implemented by a data store whose unit answers Read Device Identification (FC 2B / MEI 0E): object id → ASCII
/// value (0x00 VendorName, 0x01 ProductCode, 0x02 MajorMinorRevision are mandatory; 0x03–0x06 regular; 0x80+ private).
/// </summary>
public interface IModbusDeviceIdentity
{
    IReadOnlyDictionary<byte, string> IdentificationObjects { get; }
}
