namespace CityBrain.Drivers.Serial.Tests.Framing;

/// <summary>Frames as the sensors send them (hex), with what they carry.</summary>
public static class CapturedFrames
{
    /// <summary>SDS011 (protocol V1.3 example): PM2.5 0x04D4 = 123.6 µg/m³, PM10 0x0A3A = 261.8 µg/m³, device id A160, checksum 0x1D.</summary>
    public static readonly byte[] Sds011 = Convert.FromHexString("AAC0D4043A0AA1601DAB");

    /// <summary>A second SDS011 frame: PM2.5 0x0019 = 2.5, PM10 0x0032 = 5.0, id 00A1, checksum 0xEC.</summary>
    public static readonly byte[] Sds011Clean = Convert.FromHexString("AAC01900320000A1ECAB");

    /// <summary>PMS5003: CF=1 and atmospheric PM1.0/2.5/10 = 11/17/19 µg/m³, counts 1902/540/76/6/2/0, checksum 0x0287.</summary>
    public static readonly byte[] Pms5003 = Convert.FromHexString("424D001C000B00110013000B00110013076E021C004C00060002000097000287");

    /// <summary>PMS5003 where CF=1 (11/17/19) and atmospheric (9/14/16) differ; checksum 0x0198.</summary>
    public static readonly byte[] Pms5003Atmospheric = Convert.FromHexString("424D001C000B001100130009000E001000000000000000000000000097000198");
}
