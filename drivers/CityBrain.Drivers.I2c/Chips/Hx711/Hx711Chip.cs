using System.Buffers.Binary;
using System.Device.I2c;
using CityBrain.Sensing;
using Iot.Device.Hx711;

namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// HX711 load-cell amplifier on DFRobot's I2C weight board (KIT0176; the binding's <c>Hx711I2c</c>): bin weight in kg
/// = (average raw − tare) / counts per kg, both from configuration (the board's own buttons and calibration are ignored).
/// The binding initialises the board; samples are read here with a bounded budget because 4.2.0's
/// <c>GetRawReading</c> loops forever when the board never flags a sample ready (its budget is checked only after a
/// good sample) — a spinning thread that would hold the bus.
/// </summary>
internal sealed class Hx711Chip : II2cChip
{
    private const byte SampleRegister = 0x66; // REG_DATA_GET_RAM_DATA
    private const byte SampleReady = 0x12;
    private static readonly QuantityInfo[] Channels = [new(Catalogue.Weight, Catalogue.Kilogram)];
    private readonly I2cDevice _device;
    private readonly Hx711I2c _binding;
    private readonly double _tareRaw;
    private readonly double _countsPerKg;
    private readonly int _samples;

    public Hx711Chip(I2cDevice device, double tareRaw, double countsPerKg, int samples)
    {
        _device = device;
        _tareRaw = tareRaw;
        _countsPerKg = countsPerKg;
        _samples = samples;
        _binding = new Hx711I2c(device) { IgnoreCalibrationButton = true, IgnoreResetButton = true };
    }

    public IReadOnlyList<QuantityInfo> Quantities => Channels;

    public void Read(Span<double> values)
    {
        long sum = 0;
        int budget = _samples * 10;
        Span<byte> data = stackalloc byte[4];
        for (int taken = 0; taken < _samples;)
        {
            if (budget-- == 0)
            {
                throw ChipFaultException.NotReady($"hx711: the board flagged {taken} of {_samples} samples ready in {_samples * 10} reads");
            }

            _device.WriteByte(SampleRegister);
            Thread.Sleep(1);
            _device.Read(data);
            if (data[0] == SampleReady)
            {
                sum += RawSample(data);
                taken++;
            }
        }

        values[0] = (((double)sum / _samples) - _tareRaw) / _countsPerKg;
    }

    /// <summary>The board's sample: a ready flag, then the HX711's 24-bit two's complement output in offset binary (as the binding reads it).</summary>
    public static uint RawSample(ReadOnlySpan<byte> data) => (BinaryPrimitives.ReadUInt32BigEndian(data) & 0x00FF_FFFF) ^ 0x80_0000;

    public void Dispose() => _binding.Dispose();
}
