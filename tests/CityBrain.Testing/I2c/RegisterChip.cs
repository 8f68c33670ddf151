namespace CityBrain.Testing.I2c;

/// <summary>
/// A chip with 8-bit registers behind a register pointer (BME280, VL53L0X, the HX711 board): a write sets the pointer
/// and stores the following bytes at increasing addresses; a read returns bytes from the pointer on, auto-incrementing.
/// Registers live in the base's <c>RegisterMap</c>; an unset register reads 0.
/// </summary>
public class RegisterChip(int address) : SimulatedChip(address)
{
    public byte this[byte register]
    {
        get => RegisterMap.TryGetValue(register, out var r) ? (byte)r.ReadRegister() : (byte)0;
        set => RegisterMap[register] = new Register<byte>(value);
    }

    /// <summary>Sets consecutive registers from <paramref name="first"/>.</summary>
    public void Set(byte first, params byte[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            this[(byte)(first + i)] = values[i];
        }
    }

    protected override void Transfer(byte[] written, byte[] read)
    {
        if (written.Length > 0)
        {
            CurrentRegister = written[0];
            for (int i = 1; i < written.Length; i++)
            {
                byte register = (byte)(written[0] + i - 1);
                this[register] = written[i];
                OnWrite(register, written[i]);
            }
        }

        for (int i = 0; i < read.Length; i++)
        {
            read[i] = OnRead((byte)(CurrentRegister + i));
        }
    }

    protected virtual void OnWrite(byte register, byte value)
    {
    }

    protected virtual byte OnRead(byte register) => this[register];
}
