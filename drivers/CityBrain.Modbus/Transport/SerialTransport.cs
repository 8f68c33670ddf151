using System.IO.Ports;

namespace CityBrain.Modbus;

/// <summary>
/// A serial line (RS-485 adapter or a pty) through System.IO.Ports: async reads and writes on
/// <see cref="SerialPort.BaseStream"/>, cancelled by the caller's token (the client's request timeout).
/// </summary>
public sealed class SerialTransport : IModbusTransport
{
    private readonly SerialLineSettings _settings;
    private SerialPort? _port;
    private Stream? _stream;

    public SerialTransport(SerialLineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        Endpoint = $"rtu:{settings.PortName}@{settings.BaudRate}";
    }

    public string Endpoint { get; }

    public bool IsOpen => _port is { IsOpen: true };

    public TimeSpan InterFrameSilence => _settings.InterFrameSilence;

    public ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        if (IsOpen)
        {
            return ValueTask.CompletedTask;
        }

        Close();
        var port = new SerialPort(_settings.PortName, _settings.BaudRate, ToParity(_settings.Parity), 8, _settings.StopBits == 2 ? StopBits.Two : StopBits.One)
        {
            Handshake = Handshake.None,
            ReadBufferSize = 4096,
            WriteBufferSize = 4096,
        };
        try
        {
            port.Open();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            throw new ModbusConnectionException($"Cannot open serial port {_settings.PortName}: {ex.Message}", ex);
        }

        _port = port;
        _stream = port.BaseStream;
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        (_stream ?? throw new ModbusConnectionException($"{Endpoint} is not open.")).WriteAsync(data, cancellationToken);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        (_stream ?? throw new ModbusConnectionException($"{Endpoint} is not open.")).ReadAsync(buffer, cancellationToken);

    public void DiscardInput()
    {
        if (_port is { IsOpen: true } port)
        {
            port.DiscardInBuffer();
        }
    }

    public void Close()
    {
        _port?.Dispose();
        _port = null;
        _stream = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private static Parity ToParity(SerialParity parity) => parity switch
    {
        SerialParity.None => Parity.None,
        SerialParity.Odd => Parity.Odd,
        _ => Parity.Even,
    };
}
