using System.Buffers.Binary;

namespace CityBrain.Testing.I2c;

/// <summary>
/// A BME280 as the datasheet describes it: chip id 0x60 at 0xD0, calibration at 0x88–0xA1 and 0xE1–0xE7, data at
/// 0xF7–0xFE holding their reset values (0x80000 / 0x8000) until a forced measurement (ctrl_meas 0xF4 mode 01 or 10) copies the
/// next raw ADC values in and returns to sleep. In sleep mode nothing changes: a reader that never forces sees frozen data.
/// </summary>
public sealed class SimulatedBme280 : RegisterChip
{
    public SimulatedBme280(int address = 0x76)
        : base(address)
    {
        this[0xD0] = 0x60;
        Set(0xF7, 0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00);
    }

    /// <summary>Raw (adc_T, adc_P, adc_H) of the next forced measurement.</summary>
    public (int T, int P, int H) NextRaw { get; set; }

    public int ForcedMeasurements { get; private set; }

    /// <summary>The BMP280 datasheet's compensation example (section 3.12): dig_T1..T3, dig_P1..P9.</summary>
    public SimulatedBme280 WithDatasheetCalibration()
    {
        ushort[] words = [27504, 26435, unchecked((ushort)-1000), 36477, unchecked((ushort)-10685), 3024, 2855, 140, unchecked((ushort)-7), 15500, unchecked((ushort)-14600), 6000];
        for (int i = 0; i < words.Length; i++)
        {
            Set((byte)(0x88 + (2 * i)), (byte)words[i], (byte)(words[i] >> 8));
        }

        return this;
    }

    /// <summary>Humidity calibration: dig_H1 (0xA1), dig_H2 (0xE1/E2), dig_H3 (0xE3), 0xE4–0xE6 as given, dig_H6 (0xE7).</summary>
    public SimulatedBme280 WithHumidityCalibration(byte h1, short h2, byte h3, byte e4, byte e5, byte e6, sbyte h6)
    {
        this[0xA1] = h1;
        Set(0xE1, (byte)h2, (byte)(h2 >> 8), h3, e4, e5, e6, (byte)h6);
        return this;
    }

    protected override void OnWrite(byte register, byte value)
    {
        if (register == 0xF4 && (value & 0x03) is 0x01 or 0x02)
        {
            ForcedMeasurements++;
            var (t, p, h) = NextRaw;
            Set(0xF7, (byte)(p >> 12), (byte)(p >> 4), (byte)(p << 4), (byte)(t >> 12), (byte)(t >> 4), (byte)(t << 4));
            Span<byte> hb = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(hb, (ushort)h);
            Set(0xFD, hb[0], hb[1]);
            this[0xF4] = (byte)(value & 0xFC); // back to sleep when done
        }
    }
}
