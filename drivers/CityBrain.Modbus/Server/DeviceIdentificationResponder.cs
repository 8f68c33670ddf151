using System.Text;

namespace CityBrain.Modbus;

/// <summary>Server side of FC 2B / MEI 0E (MB-APP §6.21): stream access (codes 1–3) with More Follows, and individual access (code 4).</summary>
internal static class DeviceIdentificationResponder
{
    public static ModbusExceptionCode Respond(IModbusDataStore store, ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        if (store is not IModbusDeviceIdentity identity || request.Length != 4 || request[1] != ModbusDeviceIdentification.MeiType)
        {
            return ModbusExceptionCode.IllegalFunction;
        }

        byte code = request[2];
        byte objectId = request[3];
        if (code is < 1 or > 4)
        {
            return ModbusExceptionCode.IllegalDataValue;
        }

        var objects = identity.IdentificationObjects;
        if (code == 4 && !objects.ContainsKey(objectId))
        {
            return ModbusExceptionCode.IllegalDataAddress;
        }

        int last = code switch { 1 => 0x02, 2 => 0x06, 3 => 0xFF, _ => objectId };
        int first = code == 4 ? objectId : objectId <= last && objects.ContainsKey(objectId) ? objectId : 0;
        response[0] = request[0];
        response[1] = ModbusDeviceIdentification.MeiType;
        response[2] = code;
        response[3] = Conformity(objects);
        int offset = 7;
        int count = 0;
        byte more = 0;
        byte next = 0;
        for (int id = first; id <= last; id++)
        {
            if (!objects.TryGetValue((byte)id, out string? value))
            {
                continue;
            }

            int bytes = Math.Min(Encoding.ASCII.GetByteCount(value), 245);
            if (offset + 2 + bytes > ModbusLimits.MaxPduLength)
            {
                more = 0xFF;
                next = (byte)id;
                break;
            }

            response[offset] = (byte)id;
            response[offset + 1] = (byte)bytes;
            Encoding.ASCII.GetBytes(value.AsSpan(0, Math.Min(value.Length, bytes)), response[(offset + 2)..]);
            offset += 2 + bytes;
            count++;
        }

        response[4] = more;
        response[5] = next;
        response[6] = (byte)count;
        length = offset;
        return ModbusExceptionCode.None;
    }

    private static byte Conformity(IReadOnlyDictionary<byte, string> objects)
    {
        byte level = 0x81;
        foreach (byte id in objects.Keys)
        {
            level = id >= 0x80 ? (byte)0x83 : id >= 0x03 && level < 0x82 ? (byte)0x82 : level;
        }

        return level;
    }
}
