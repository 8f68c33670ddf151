using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Hub.Sinks;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Hub.Tests.Ingest;

/// <summary>An <see cref="IngestPipeline"/> over one sink, with a dead-letter queue whose folder the tests never fill.</summary>
internal static class TestPipelines
{
    public static IngestPipeline Create(IPointSink sink, BatchingOptions batching, int writers, TimeProvider time, IngestMetrics metrics, LineProtocolEncoder? encoder = null) =>
        new(
            [new ResilientSinkWriter(sink, new WriteResilienceOptions(), time, NullLogger.Instance, metrics, encoder: encoder)],
            batching,
            writers,
            new DeadLetterQueue(
                new DeadLetterStore(new DeadLetterOptions { Directory = Path.Combine(Path.GetTempPath(), "citybrain-unused-deadletters") }, metrics, time, NullLogger<DeadLetterStore>.Instance),
                metrics,
                NullLogger<DeadLetterQueue>.Instance,
                time,
                "test"),
            metrics,
            time,
            NullLogger<IngestPipeline>.Instance);
}
