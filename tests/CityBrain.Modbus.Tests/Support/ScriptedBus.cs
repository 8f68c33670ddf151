using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Modbus.Tests.Support;

/// <summary>A client over a <see cref="ScriptedStream"/> with a fake clock: timeouts fire only when the test advances time.</summary>
internal sealed class ScriptedBus : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);

    public ScriptedBus(bool rtu, int maxResyncBytes = 256, TimeSpan turnaround = default, TimeSpan interFrameSilence = default)
    {
        Framer = rtu ? new RtuFramer(maxResyncBytes) : new TcpFramer();
        var transport = new StreamTransport(Stream, rtu ? "rtu:scripted" : "tcp://scripted", interFrameSilence);
        Client = new ModbusClient(transport, Framer, new ModbusClientOptions { RequestTimeout = Timeout, TurnaroundDelay = turnaround }, Time);
    }

    public ScriptedStream Stream { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    public IModbusFramer Framer { get; }

    public ModbusClient Client { get; }

    /// <summary>
    /// Runs a call; if it is still waiting for bytes, lets the request timeout elapse on the fake clock. Returns the
    /// exception the call ended with (null = success). A real-time guard fails the test instead of hanging.
    /// </summary>
    public async Task<Exception?> RunAsync(Func<ModbusClient, ValueTask> call)
    {
        var task = call(Client).AsTask();
        if (!task.IsCompleted)
        {
            Time.Advance(Timeout);
        }

        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(10));
            return null;
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new Xunit.Sdk.XunitException("The call hung past its timeout.");
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
