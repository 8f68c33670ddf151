using System.Buffers;
using System.Text.Json;
using CityBrain.Edge.Buffering;
using CityBrain.Edge.Health;
using CityBrain.Edge.Pipeline;
using CityBrain.Edge.Publishing;
using CityBrain.Edge.Runners;
using CityBrain.Edge.Tests.Publishing;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Mqtt;
using Json.Schema;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace CityBrain.Edge.Tests.Health;

/// <summary>The node's retained health message, published through an MQTTnet server in the test process, on a fake clock.</summary>
public sealed class HealthReporterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(RepoPaths.Combine("firmware-config", "schemas", "health.v1.schema.json")));

    private sealed class OneReadingDriver(TimeProvider time) : ISensorDriver
    {
        public string SensorId => "bin-07";

        public IReadOnlyList<QuantityInfo> Quantities { get; } = [new("level", "%")];

        public ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
        {
            collector.Add(new Reading(SensorId, "level", 42, "%", time.GetUtcNow()));
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Run_Connected_PublishesRetainedSchemaValidHealth_EveryInterval_WithTheCountersOfTheInterval()
    {
        var time = new FakeTimeProvider(Start);
        await using var broker = await InProcessBroker.StartNewAsync();
        await using var edge = new EdgeMqtt(new MqttSection { Host = "127.0.0.1", Port = broker.Port }, time);
        await edge.Supervisor.WaitConnectedAsync(CancellationToken.None).WaitAsync(Wait);

        var buffer = new MemoryReadingBuffer(new MemoryBufferOptions(), time);
        await buffer.AppendAsync([new Reading("bin-07", "level", 1, "%", Start), new Reading("bin-07", "level", 2, "%", Start), new Reading("bin-07", "level", 3, "%", Start)], CancellationToken.None);
        var runner = new SensorRunner(new OneReadingDriver(time), null, new ReadingIntake(16), new SensorSchedule(TimeSpan.FromSeconds(10), TimeSpan.Zero, TimeSpan.FromSeconds(1)), time, new EdgeMetrics(), NullLogger.Instance);
        await runner.PollOnceAsync(CancellationToken.None);
        var publisher = new TelemetryPublisher(buffer, edge.Supervisor, EdgeMqtt.Node, new PublisherOptions(), time, new EdgeMetrics(), NullLogger.Instance);
        for (int i = 0; i < 98; i++)
        {
            publisher.Latency.Record(40);
        }

        publisher.Latency.Record(1234);
        publisher.Latency.Record(1234);
        var reporter = new HealthReporter(EdgeMqtt.Node, EdgeMqtt.Boot, "memory", buffer, [runner], publisher, edge.Supervisor, TimeSpan.FromSeconds(30), time, NullLogger.Instance);
        string topic = EdgeMqtt.TopicOf(Topics.Health);
        using var stop = new CancellationTokenSource();
        var run = reporter.RunAsync(stop.Token);

        // The first at once, the next one interval later on the clock.
        await Poll.UntilAsync(() => broker.PublishedOn(topic).Count == 1, Wait, "the first health message");
        time.Advance(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => broker.PublishedOn(topic).Count == 2, Wait, "the second health message");
        await stop.CancelAsync();
        await run.WaitAsync(Wait);

        var messages = broker.PublishedOn(topic);
        Assert.All(messages, m => Assert.True(m.Retain));
        using var first = Valid(messages[0]);
        using var second = Valid(messages[1]);
        var h1 = first.RootElement;
        var h2 = second.RootElement;
        Assert.Equal("n-01", h1.GetProperty("node").GetString());
        Assert.Equal(EdgeMqtt.Boot, h1.GetProperty("boot").GetString());
        Assert.Equal(30, h1.GetProperty("intervalS").GetInt32());
        Assert.Equal(Start.ToUnixTimeMilliseconds(), h1.GetProperty("ts").GetInt64());
        Assert.Equal(30_000, h2.GetProperty("ts").GetInt64() - h1.GetProperty("ts").GetInt64());
        Assert.Equal(30, h2.GetProperty("uptimeS").GetInt64() - h1.GetProperty("uptimeS").GetInt64());

        var b = h1.GetProperty("buffer");
        Assert.Equal("memory", b.GetProperty("kind").GetString());
        Assert.Equal(3, b.GetProperty("readings").GetInt64());
        Assert.Equal(3, b.GetProperty("nextSeq").GetInt64());
        Assert.Equal(["corrupt", "disk_full", "expired", "overflow"], b.GetProperty("dropped").EnumerateObject().Select(p => p.Name).Order());
        Assert.All(b.GetProperty("dropped").EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt64()));

        var p1 = h1.GetProperty("publish");
        Assert.True(p1.GetProperty("connected").GetBoolean());
        Assert.Equal(0, p1.GetProperty("reconnects").GetInt64());
        Assert.Equal(0, p1.GetProperty("messages").GetInt64());
        Assert.Equal(41, p1.GetProperty("latencyP50Ms").GetDouble()); // 98 of 100 at 40 ms: the 1 ms bucket's bound
        Assert.Equal(1240, p1.GetProperty("latencyP99Ms").GetDouble()); // 2 at 1234 ms: the 10 ms bucket's bound
        Assert.Equal(0, h2.GetProperty("publish").GetProperty("latencyP99Ms").GetDouble()); // per interval: nothing new

        var sensor = Assert.Single(h1.GetProperty("sensors").EnumerateArray());
        Assert.Equal("bin-07", sensor.GetProperty("id").GetString());
        Assert.Equal("ok", sensor.GetProperty("status").GetString());
        Assert.Equal(1, sensor.GetProperty("sampled").GetInt64());
    }

    private static JsonDocument Valid(MqttApplicationMessage message)
    {
        var json = JsonDocument.Parse(message.Payload.ToArray());
        var result = Schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, message.Topic + ": " + JsonSerializer.Serialize((result.Details ?? []).Where(d => d.Errors is not null).Select(d => new { d.InstanceLocation, d.Errors })));
        return json;
    }
}
