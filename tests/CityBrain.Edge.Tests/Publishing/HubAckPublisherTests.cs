using System.Buffers;
using System.Collections.Concurrent;
using CityBrain.Edge.Buffering;
using CityBrain.Edge.Publishing;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityBrain.Edge.Tests.Publishing;

/// <summary>
/// <see cref="TelemetryPublisher"/> with the end-to-end acknowledgement (<see cref="HubAckTracker"/>, deliveryAck hub)
/// against an in-process MQTTnet broker, with a test client as the hub: it records the seqs it receives and publishes
/// acknowledgements on the node's ack topic. Time is a <see cref="FakeTimeProvider"/>: the ack timeout passes only when
/// the test advances it, and the re-send check runs when the test calls it.
/// </summary>
public sealed class HubAckPublisherTests : IAsyncLifetime
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly NodeIdentity Node = new("n-ack-1", new Location("metropolis", "harbour", "quay", "g-0001"));

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly int _port = FreePort.Get();
    private readonly ConcurrentQueue<long> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private MqttServer? _broker;
    private IMqttClient? _hub;
    private MemoryReadingBuffer? _buffer;
    private MqttConnectionSupervisor? _connection;
    private HubAckTracker? _tracker;
    private EdgeMetrics? _metrics;
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _broker = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointPort(_port).Build());
        await _broker.StartAsync();

        _hub = new MqttClientFactory().CreateMqttClient();
        _hub.ApplicationMessageReceivedAsync += e =>
        {
            Assert.True(TelemetryCodec.TryRead(e.ApplicationMessage.Payload.ToArray(), out var message, out var violation), violation?.ToString());
            foreach (var r in message!.Readings)
            {
                _received.Enqueue(r.Seq);
            }

            return Task.CompletedTask;
        };
        await _hub.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId("hub").Build());
        await _hub.SubscribeAsync(Topics.For(Node, Topics.Telemetry), MqttQualityOfServiceLevel.AtLeastOnce);

        _metrics = new EdgeMetrics();
        _buffer = new MemoryReadingBuffer(new MemoryBufferOptions { MaxReadings = 100_000 }, _time);
        _tracker = new HubAckTracker(_buffer, Node, AckTimeout, _time, _metrics, NullLogger.Instance);
        _connection = new MqttConnectionSupervisor(
            new MqttConnectionSettings
            {
                Node = Node,
                Mqtt = new MqttSection { Host = "127.0.0.1", Port = _port },
                OnConnectedAsync = _tracker.SubscribeAsync,
            },
            "boot",
            () => new StatusMessage { Node = Node.NodeId, State = StatusMessage.Online, Timestamp = 1, Boot = "boot" },
            _time,
            NullLogger.Instance);
        _connection.Client.ApplicationMessageReceivedAsync += async e => await _tracker.OfferAsync(e.ApplicationMessage, CancellationToken.None);
        var publisher = new TelemetryPublisher(
            _buffer,
            _connection,
            Node,
            new PublisherOptions { MaxBatchDelay = TimeSpan.Zero, MaxInFlight = 2 },
            _time,
            _metrics,
            NullLogger.Instance,
            hubAck: _tracker);
        _running = Task.WhenAll(_connection.RunAsync(_stop.Token), publisher.RunAsync(_stop.Token));
        await _connection.WaitConnectedAsync(CancellationToken.None).WaitAsync(Wait);
    }

    [Fact]
    public async Task Puback_KeepsReadingsAwaitingTheHub_TheHubsAckRemovesExactlyWhatItNames()
    {
        await AppendAsync(100);
        await UntilAsync(() => Distinct() == 100, "the hub received seqs 0..99");

        // Acknowledged by the broker, not by the hub: nothing has left the buffer.
        var stats = _buffer!.GetStats();
        Assert.Equal(100, stats.Readings);
        Assert.Equal(100, stats.Awaiting);

        // Another node's acknowledgement and a malformed one change nothing.
        await PublishAckAsync(Topics.For(Node, Topics.Ack), """{"v":1,"node":"n-other","ts":1,"ranges":[[0,99]]}""");
        await PublishAckAsync(Topics.For(Node, Topics.Ack), """{"v":1,"node":"n-ack-1","ts":1,"ranges":[[5,2]]}""");
        await UntilAsync(() => _tracker!.Refused == 2, "both bad acknowledgements refused");
        Assert.Equal(100, _buffer.GetStats().Readings);

        await PublishAckAsync(Ack(0, 49));
        await UntilAsync(() => _buffer.GetStats().Readings == 50, "seqs 0..49 acknowledged");
        await PublishAckAsync(Ack(50, 99));
        await UntilAsync(() => _buffer.GetStats().Readings == 0, "seqs 50..99 acknowledged");

        Assert.Equal(100, _tracker!.Acknowledged);
        Assert.Equal(0, _tracker.Resent);
        Assert.Equal(100, _received.Count); // each sent once
    }

    [Fact]
    public async Task AckTimeout_LaterReadingsAcknowledged_ReSendsOnlyTheUnacknowledged_ThenTheyLeave()
    {
        await AppendAsync(10); // seqs 0..9: "lost" between broker and hub, never acknowledged
        await UntilAsync(() => Distinct() == 10, "the hub received seqs 0..9");
        _time.Advance(AckTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _tracker!.ResendOverdueAsync(CancellationToken.None)); // the hub said nothing yet

        await AppendAsync(10); // seqs 10..19, acknowledged
        await UntilAsync(() => Distinct() == 20, "the hub received seqs 10..19");
        await PublishAckAsync(Ack(10, 19));
        await UntilAsync(() => _buffer!.GetStats().Readings == 10, "seqs 10..19 acknowledged");

        Assert.Equal(10, await _tracker.ResendOverdueAsync(CancellationToken.None));
        await UntilAsync(() => _received.Count == 30, "seqs 0..9 sent a second time");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), _received.Skip(20).Order());
        Assert.Equal(10, _tracker.Resent);

        await PublishAckAsync(Ack(0, 9));
        await UntilAsync(() => _buffer!.GetStats().Readings == 0, "the re-sent seqs acknowledged");
        Assert.Equal(0, await _tracker.ResendOverdueAsync(CancellationToken.None));
        Assert.Equal(30, _received.Count);
    }

    [Fact]
    public async Task HubSilent_NothingIsReSent_HoweverLongItTakes_AndNothingLeavesTheBuffer()
    {
        await AppendAsync(10);
        await UntilAsync(() => Distinct() == 10, "the hub received seqs 0..9");
        await AppendAsync(10);
        await UntilAsync(() => Distinct() == 20, "the hub received seqs 10..19");
        for (int i = 0; i < 10; i++)
        {
            _time.Advance(AckTimeout * HubAckTracker.SlowRetryFactor);
            Assert.Equal(0, await _tracker!.ResendOverdueAsync(CancellationToken.None));
        }

        Assert.Equal(20, _received.Count);
        Assert.Equal(20, _buffer!.GetStats().Readings);
        Assert.Equal(20, _buffer.GetStats().Awaiting);
    }

    private int Distinct() => _received.Distinct().Count();

    private static string Ack(long first, long last) => $$"""{"v":1,"node":"{{Node.NodeId}}","ts":1,"ranges":[[{{first}},{{last}}]]}""";

    private Task PublishAckAsync(string payload) => PublishAckAsync(Topics.For(Node, Topics.Ack), payload);

    private async Task PublishAckAsync(string topic, string payload) =>
        await _hub!.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    private async Task AppendAsync(int count)
    {
        var now = _time.GetUtcNow();
        var readings = Enumerable.Range(0, count).Select(i => new Reading("s1", "speed", i, "km/h", now)).ToList();
        await _buffer!.AppendAsync(readings, CancellationToken.None);
    }

    private static Task UntilAsync(Func<bool> condition, string what) => MqttCollector.WaitUntilAsync(condition, Wait, what);

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Wait);
        await _connection!.DisposeAsync();
        _hub!.Dispose();
        await _broker!.StopAsync();
        _broker!.Dispose();
        await _buffer!.DisposeAsync();
        _metrics!.Dispose();
        _stop.Dispose();
    }
}
