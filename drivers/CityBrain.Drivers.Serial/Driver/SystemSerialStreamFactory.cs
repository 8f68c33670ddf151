using System.IO.Ports;

namespace CityBrain.Drivers.Serial;

/// <summary>Real serial ports through System.IO.Ports; disposing the stream closes the port.</summary>
public sealed class SystemSerialStreamFactory : ISerialStreamFactory
{
    public Stream Open(string port, int baudRate, TimeSpan readTimeout)
    {
        var serial = new SerialPort(port, baudRate, Parity.None, 8, StopBits.One)
        {
            ReadTimeout = (int)readTimeout.TotalMilliseconds,
            WriteTimeout = (int)readTimeout.TotalMilliseconds,
        };
        try
        {
            serial.Open();
            return serial.BaseStream;
        }
        catch
        {
            serial.Dispose();
            throw;
        }
    }
}
