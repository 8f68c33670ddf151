using System.Device.I2c;
using Iot.Device.Bmxx80;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// The binding's <c>Bme280</c> with what 4.2.0 gets wrong put right, and the raw registers exposed for checks.
/// 4.2.0 reads dig_H4 and dig_H5 with an unsigned top byte (0xE4, 0xE6), where the datasheet (table 16) and Bosch's
/// reference driver take them as signed 12-bit: a chip whose dig_H4 or dig_H5 is negative gets a humidity tens of
/// percent off. For such a chip humidity is compensated here with the datasheet's formula (section 4.2.3).
/// </summary>
internal sealed class PatchedBme280 : Bme280
{
    private readonly byte _h1;
    private readonly short _h2;
    private readonly byte _h3;
    private readonly short _h4;
    private readonly short _h5;
    private readonly sbyte _h6;

    public PatchedBme280(I2cDevice device)
        : base(device)
    {
        _h1 = Read8BitsFromRegister(0xA1);
        _h2 = (short)Read16BitsFromRegister(0xE1);
        _h3 = Read8BitsFromRegister(0xE3);
        byte e4 = Read8BitsFromRegister(0xE4), e5 = Read8BitsFromRegister(0xE5), e6 = Read8BitsFromRegister(0xE6);
        _h4 = (short)(((sbyte)e4 * 16) | (e5 & 0x0F));
        _h5 = (short)(((sbyte)e6 * 16) | (e5 >> 4));
        _h6 = (sbyte)Read8BitsFromRegister(0xE7);
        HumidityNeedsPatch = (e4 & 0x80) != 0 || (e6 & 0x80) != 0;
    }

    /// <summary>True when this chip's dig_H4 or dig_H5 is negative: the binding's humidity would be wrong.</summary>
    public bool HumidityNeedsPatch { get; }

    /// <summary>The raw 20-bit temperature (0x80000 = no measurement since reset).</summary>
    public int RawTemperature() => (int)(Read24BitsFromRegister(0xFA, Endianness.BigEndian) >> 4);

    /// <summary>The raw 16-bit humidity (0x8000 = no measurement since reset).</summary>
    public int RawHumidity() => Read16BitsFromRegister(0xFD, Endianness.BigEndian);

    /// <summary>Humidity in % from the datasheet's double formula with correctly signed calibration; call after a temperature read (t_fine).</summary>
    public double CompensateHumidity(int adcH)
    {
        double h = TemperatureFine - 76800.0;
        h = (adcH - ((_h4 * 64.0) + (_h5 / 16384.0 * h))) * (_h2 / 65536.0 * (1.0 + (_h6 / 67108864.0 * h * (1.0 + (_h3 / 67108864.0 * h)))));
        h *= 1.0 - (_h1 * h / 524288.0);
        return Math.Clamp(h, 0.0, 100.0);
    }
}
