using System.Text;

namespace CityBrain.Modbus;

/// <summary>The objects of a Read Device Identification response (FC 2B / MEI 0E, MB-APP §6.21).</summary>
public sealed class ModbusDeviceIdentification
{
    public const byte MeiType = 0x0E;

    public ModbusDeviceIdentification(byte conformityLevel, bool moreFollows, byte nextObjectId, IReadOnlyDictionary<byte, string> objects)
    {
        ConformityLevel = conformityLevel;
        MoreFollows = moreFollows;
        NextObjectId = nextObjectId;
        Objects = objects;
    }

    public byte ConformityLevel { get; }

    public bool MoreFollows { get; }

    public byte NextObjectId { get; }

    /// <summary>Object id → ASCII value (0x00 VendorName, 0x01 ProductCode, 0x02 MajorMinorRevision, ...).</summary>
    public IReadOnlyDictionary<byte, string> Objects { get; }

    /// <summary>Parses a response PDU; throws <see cref="ModbusProtocolException"/> when it is malformed.</summary>
    public static ModbusDeviceIdentification Parse(ReadOnlySpan<byte> response)
    {
        ModbusResponsePdu.CheckFunction(response, ModbusFunction.EncapsulatedInterfaceTransport);
        int length = MeasureResponse(response);
        if (length <= 0 || length != response.Length)
        {
            throw new ModbusProtocolException($"Device identification response is {response.Length} bytes; its objects describe {length}.");
        }

        var objects = new Dictionary<byte, string>();
        int offset = 7;
        for (int i = 0; i < response[6]; i++)
        {
            byte id = response[offset];
            int len = response[offset + 1];
            objects[id] = Encoding.ASCII.GetString(response.Slice(offset + 2, len));
            offset += 2 + len;
        }

        return new ModbusDeviceIdentification(response[3], response[4] == 0xFF, response[5], objects);
    }

    /// <summary>
    /// The total length of a device identification response PDU whose first bytes are <paramref name="prefix"/>,
    /// 0 when more bytes are needed to know, or -1 when the prefix cannot start a valid response.
    /// </summary>
    public static int MeasureResponse(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length < 7)
        {
            return 0;
        }

        if (prefix[1] != MeiType)
        {
            return -1;
        }

        int offset = 7;
        for (int i = 0; i < prefix[6]; i++)
        {
            if (prefix.Length < offset + 2)
            {
                return 0;
            }

            offset += 2 + prefix[offset + 1];
            if (offset > ModbusLimits.MaxPduLength)
            {
                return -1;
            }
        }

        return offset;
    }
}
