using System.Device.I2c;

namespace CityBrain.Testing.I2c;

/// <summary>
/// A simulated chip on <see cref="I2cSimulatedDeviceBase"/> that can be unplugged (every transfer then fails as Linux
/// reports a missing ACK: <c>IOException("Error 121 performing I2C data transfer.")</c>) or made to fail a number of
/// transfers with a given errno, and counts transfers.
/// </summary>
public abstract class SimulatedChip(int address) : I2cSimulatedDeviceBase(new I2cConnectionSettings(1, address))
{
    public bool Unplugged { get; set; }

    /// <summary>The next this-many transfers fail with <see cref="FailErrno"/>.</summary>
    public int FailNext { get; set; }

    public int FailErrno { get; set; } = 121;

    public int Transfers { get; private set; }

    /// <summary>Blocks every transfer while reset (a hung bus); set by default.</summary>
    public ManualResetEventSlim Gate { get; } = new(true);

    /// <summary>Set once a transfer waits at the closed <see cref="Gate"/>.</summary>
    public ManualResetEventSlim Hanging { get; } = new(false);

    public sealed override void WriteRead(byte[] inputBuffer, byte[] outputBuffer)
    {
        if (!Gate.IsSet)
        {
            Hanging.Set();
            Gate.Wait(TimeSpan.FromSeconds(30));
        }

        Transfers++;
        if (Unplugged)
        {
            throw new IOException("Error 121 performing I2C data transfer.");
        }

        if (FailNext > 0)
        {
            FailNext--;
            throw new IOException($"Error {FailErrno} performing I2C data transfer.");
        }

        Transfer(inputBuffer, outputBuffer);
    }

    /// <summary>One transfer: the bytes written, then the bytes read.</summary>
    protected abstract void Transfer(byte[] written, byte[] read);

    /// <summary>A new handle on the same chip, as opening /dev/i2c-N again gives (the binding disposes the one it had).</summary>
    public I2cDevice Open() => new Handle(this);

    private sealed class Handle(SimulatedChip chip) : I2cSimulatedDeviceBase(chip.ConnectionSettings)
    {
        public override void WriteRead(byte[] inputBuffer, byte[] outputBuffer) => chip.WriteRead(inputBuffer, outputBuffer);
    }
}
