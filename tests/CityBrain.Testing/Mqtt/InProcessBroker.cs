using System.Collections.Concurrent;
using System.Net;
using CityBrain.Testing.Servers;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityBrain.Testing.Mqtt;

/// <summary>
/// An MQTTnet server in the test process on a free loopback port, for component tests of MQTT clients: records every
/// publish it receives, can be stopped and started again on the same port, and can require a user name and password.
/// </summary>
public sealed class InProcessBroker : IAsyncDisposable
{
    private readonly ConcurrentQueue<MqttApplicationMessage> _published = new();
    private MqttServer? _server;
    private long _connects;

    public InProcessBroker(string? username = null, string? password = null)
    {
        Username = username;
        Password = password;
        Port = FreePort.Get();
    }

    public int Port { get; }

    public string? Username { get; }

    public string? Password { get; }

    /// <summary>Connections the broker accepted.</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Every message published to the broker so far, in arrival order.</summary>
    public IReadOnlyList<MqttApplicationMessage> Published => [.. _published];

    public IReadOnlyList<MqttApplicationMessage> PublishedOn(string topic) => Published.Where(m => m.Topic == topic).ToList();

    public static async Task<InProcessBroker> StartNewAsync(string? username = null, string? password = null)
    {
        var broker = new InProcessBroker(username, password);
        await broker.StartAsync();
        return broker;
    }

    public async Task StartAsync()
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(Port)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        server.ValidatingConnectionAsync += e =>
        {
            if (Username is not null && (e.UserName != Username || e.Password != Password))
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            }

            return Task.CompletedTask;
        };
        server.ClientConnectedAsync += _ =>
        {
            Interlocked.Increment(ref _connects);
            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += e =>
        {
            _published.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await server.StartAsync();
        _server = server;
    }

    /// <summary>Stops the broker: every client's connection is closed.</summary>
    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync();
            server.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
