using CityBrain.Edge.Publishing;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Edge.Tests.Publishing;

/// <summary>A node's MQTT connection to a test broker on 127.0.0.1, run in the background until disposed.</summary>
internal sealed class EdgeMqtt : IAsyncDisposable
{
    public static readonly NodeIdentity Node = new("n-01", new Location("metropolis", "harbour", "quay-road", "g-0417"));

    public const string Boot = "b00700000001";

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public EdgeMqtt(MqttSection mqtt, TimeProvider time, ILogger? logger = null, string? baseDirectory = null)
    {
        Supervisor = new MqttConnectionSupervisor(
            new MqttConnectionSettings { Node = Node, Mqtt = mqtt, BaseDirectory = baseDirectory ?? Directory.GetCurrentDirectory() },
            Boot,
            () => new StatusMessage { Node = Node.NodeId, State = StatusMessage.Online, Timestamp = time.GetUtcNow().ToUnixTimeMilliseconds(), Boot = Boot },
            time,
            logger ?? NullLogger.Instance);
        _run = Task.Run(() => Supervisor.RunAsync(_stop.Token));
    }

    public MqttConnectionSupervisor Supervisor { get; }

    public static string TopicOf(string kind) => Topics.For(Node, kind);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        await Supervisor.DisposeAsync();
        _stop.Dispose();
    }
}
