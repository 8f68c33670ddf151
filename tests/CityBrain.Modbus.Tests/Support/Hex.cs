namespace CityBrain.Modbus.Tests.Support;

internal static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    /// <summary>An RTU frame: the hex bytes followed by their CRC (low byte first).</summary>
    public static byte[] Rtu(string hex)
    {
        var body = Bytes(hex);
        var frame = new byte[body.Length + 2];
        body.CopyTo(frame, 0);
        Crc16.Append(frame);
        return frame;
    }
}
