using System.Threading.Channels;
using CityBrain.Sensing;

namespace CityBrain.Edge.Pipeline;

/// <summary>
/// The bounded hand-over from sensor runners to the buffer appender. When full, runners wait (their poll overruns
/// are counted); nothing already read is dropped here. The default holds 16,384 readings (56 bytes each, under 1 MB):
/// the appender drains it in a tight loop, so a deeper queue only costs memory (65,536 measured no faster).
/// </summary>
public sealed class ReadingIntake
{
    private readonly Channel<Reading> _channel;

    public ReadingIntake(int capacity = 16_384)
    {
        Capacity = capacity;
        _channel = Channel.CreateBounded<Reading>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public int Capacity { get; }

    public int Count => _channel.Reader.Count;

    internal ChannelReader<Reading> Reader => _channel.Reader;

    public async ValueTask WriteAsync(IReadOnlyList<Reading> readings, CancellationToken cancellationToken)
    {
        var writer = _channel.Writer;
        for (int i = 0; i < readings.Count; i++)
        {
            if (!writer.TryWrite(readings[i]))
            {
                await writer.WriteAsync(readings[i], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Complete() => _channel.Writer.TryComplete();
}
