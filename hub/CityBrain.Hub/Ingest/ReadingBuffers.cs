using System.Buffers;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// The bounded pool the telemetry codec rents readings arrays from (<see cref="PooledReadings"/>). A message's readings
/// are read by the registry and the alert engine in the message handler and by <see cref="IngestPipeline"/> when it
/// formats the message's lines, which returns them; the message may wait in the ingest queue in between, so without
/// the pool every 6 KB array (100 readings) was promoted and collected in gen2. At most <see cref="ArraysPerSize"/>
/// arrays per power-of-two size are kept (about 0.5 MB for 128 readings).
/// </summary>
public static class ReadingBuffers
{
    public const int ArraysPerSize = 64;

    public static readonly ArrayPool<SequencedReading> Pool = ArrayPool<SequencedReading>.Create(TelemetryMessage.MaxReadings, ArraysPerSize);

    /// <summary>Gives <paramref name="message"/>'s readings back once nothing reads them (does nothing for other lists).</summary>
    public static void Return(TelemetryMessage message) => (message.Readings as PooledReadings)?.Return();
}
