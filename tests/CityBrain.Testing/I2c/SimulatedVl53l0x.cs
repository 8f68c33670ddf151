namespace CityBrain.Testing.I2c;

/// <summary>
/// A VL53L0X, as far as the binding's init and single-shot ranging look at it: a register file where the strobe
/// (0x83) reads non-zero, SYSRANGE_START (0x00) reads with its start bit cleared (measurement done), the interrupt
/// status (0x13) reads "new sample ready" and RESULT_RANGE_STATUS + 10 (0x1E, big-endian) holds the range in mm.
/// </summary>
public sealed class SimulatedVl53l0x(int address = 0x29) : RegisterChip(address)
{
    public ushort DistanceMm { get; set; }

    public int Measurements { get; private set; }

    protected override void OnWrite(byte register, byte value)
    {
        if (register == 0x00 && value == 0x01)
        {
            Measurements++;
        }
    }

    protected override byte OnRead(byte register) => register switch
    {
        0x83 => 0x01,
        0x00 => (byte)(base.OnRead(register) & 0xFE),
        0x13 => 0x07,
        0x1E => (byte)(DistanceMm >> 8),
        0x1F => (byte)DistanceMm,
        _ => base.OnRead(register),
    };
}
