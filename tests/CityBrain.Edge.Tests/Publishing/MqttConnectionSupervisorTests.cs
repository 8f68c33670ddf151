using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Publishing;

/// <summary>
/// The node's MQTT connection (MqttConnectionSupervisor on the shared CityBrain.Mqtt connection) against an MQTTnet
/// server in the test process; reconnect delays and the connect timeout run on a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class MqttConnectionSupervisorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger _log = new();

    private static MqttSection Section(int port, double reconnectMin = 1, double reconnectMax = 4, int connectTimeout = 10, string? username = null, string? passwordFile = null) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Username = username,
        PasswordFile = passwordFile,
        ReconnectMinSeconds = reconnectMin,
        ReconnectMaxSeconds = reconnectMax,
        ConnectTimeoutSeconds = connectTimeout,
    };

    /// <summary>Advances the fake clock in steps until <paramref name="condition"/> holds; returns how far it went.</summary>
    private async Task<TimeSpan> AdvanceUntilAsync(Func<bool> condition, string what)
    {
        var advanced = TimeSpan.Zero;
        await Poll.UntilAsync(
            () =>
            {
                if (condition())
                {
                    return true;
                }

                _time.Advance(Step);
                advanced += Step;
                return false;
            },
            Wait,
            what);
        return advanced;
    }

    private static string? State(MQTTnet.MqttApplicationMessage status)
    {
        using var json = JsonDocument.Parse(status.Payload.ToArray());
        Assert.Equal(EdgeMqtt.Boot, json.RootElement.GetProperty("boot").GetString());
        return json.RootElement.GetProperty("state").GetString();
    }

    private IReadOnlyList<FakeLogRecord> RetryLogs() =>
        _log.Collector.GetSnapshot().Where(r => r.GetStructuredStateValue("Delay") is not null).ToList();

    [Fact]
    public async Task Run_BrokerUp_ConnectsSubscribedAndPublishesTheRetainedBirth()
    {
        await using var broker = await InProcessBroker.StartNewAsync();
        await using var edge = new EdgeMqtt(Section(broker.Port), _time, _log);

        await edge.Supervisor.WaitConnectedAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.True(edge.Supervisor.IsConnected);
        Assert.True(edge.Supervisor.Connection.IsSubscribed);
        Assert.Equal(0, edge.Supervisor.Reconnects);
        var birth = Assert.Single(broker.PublishedOn(EdgeMqtt.TopicOf(Topics.Status)));
        Assert.True(birth.Retain);
        Assert.Equal("online", State(birth));
    }

    [Fact]
    public async Task BrokerStops_RetriesWithJitteredExponentialBackoff_AndReconnectsByItselfWhenItIsBack()
    {
        await using var broker = await InProcessBroker.StartNewAsync();
        await using var edge = new EdgeMqtt(Section(broker.Port, reconnectMin: 1, reconnectMax: 4), _time, _log);
        await edge.Supervisor.WaitConnectedAsync(CancellationToken.None).WaitAsync(Wait);

        await broker.StopAsync();

        // The lost connection is retried at once; each failure then waits min·2^n capped at max, times 0.5–1, on the clock.
        var connection = edge.Supervisor.Connection;
        double[] ceilingsMs = [1000, 2000, 4000, 4000];
        for (int n = 1; n <= ceilingsMs.Length; n++)
        {
            int attempt = n;
            await Poll.UntilAsync(() => connection.FailedAttempts == attempt && RetryLogs().Count == attempt, Wait, $"failed attempt {attempt} logged");
            double delayMs = Convert.ToDouble(RetryLogs()[^1].GetStructuredStateValue("Delay"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(delayMs, (ceilingsMs[n - 1] / 2) - 1, ceilingsMs[n - 1]);

            var waited = await AdvanceUntilAsync(() => connection.FailedAttempts > attempt, $"attempt {attempt + 1} made");
            Assert.True(waited.TotalMilliseconds >= delayMs, $"attempt {attempt + 1} came after {waited.TotalMilliseconds} ms of the clock, before the {delayMs} ms backoff");
        }

        Assert.False(edge.Supervisor.IsConnected);
        Assert.NotNull(edge.Supervisor.LastError);

        await broker.StartAsync();
        await AdvanceUntilAsync(() => edge.Supervisor.IsConnected && connection.IsSubscribed, "reconnected");
        await edge.Supervisor.WaitConnectedAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(1, edge.Supervisor.Reconnects);
        Assert.Equal(2, broker.PublishedOn(EdgeMqtt.TopicOf(Topics.Status)).Count(m => State(m) == "online")); // a birth on each connection
    }

    [Fact]
    public async Task WrongPassword_RefusedWithAClearError_ThenConnectsOnceThePasswordFileIsFixed()
    {
        using var dir = new TempDirectory("mqtt-password");
        File.WriteAllText(dir.Combine("password"), "wrong\n");
        await using var broker = await InProcessBroker.StartNewAsync(username: "n-01", password: "right");
        await using var edge = new EdgeMqtt(Section(broker.Port, username: "n-01", passwordFile: "password"), _time, _log, baseDirectory: dir.Path);

        await Poll.UntilAsync(() => edge.Supervisor.Connection.FailedAttempts >= 1 && RetryLogs().Count >= 1, Wait, "the refused attempt");

        Assert.False(edge.Supervisor.IsConnected);
        Assert.Contains("broker refused the connection: BadUserNameOrPassword", edge.Supervisor.LastError, StringComparison.Ordinal);
        Assert.Contains("user 'n-01'", edge.Supervisor.LastError, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Error, RetryLogs()[0].Level);
        Assert.Equal(0, broker.Connects);

        // The password file is read at every attempt: fixing it is enough.
        File.WriteAllText(dir.Combine("password"), "right\n");
        await AdvanceUntilAsync(() => edge.Supervisor.IsConnected, "connected with the fixed password");
        Assert.Equal(1, broker.Connects);
    }

    [Fact]
    public async Task NoConnack_TheConnectTimeoutOnTheClockFailsTheAttempt()
    {
        // A listener that accepts the TCP connection and never answers the CONNECT.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            await using var edge = new EdgeMqtt(Section(port, connectTimeout: 30), _time, _log);
            using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(Wait);
            Assert.Equal(0, edge.Supervisor.Connection.FailedAttempts);

            // MQTTnet's own timeout runs on the wall clock (30 s, longer than this test waits): only the connection's
            // timeout on the TimeProvider can end the attempt here.
            _time.Advance(TimeSpan.FromSeconds(30));

            await Poll.UntilAsync(() => edge.Supervisor.Connection.FailedAttempts == 1, TimeSpan.FromSeconds(10), "the attempt timed out");
            Assert.Contains("within the connect timeout of 30 s", edge.Supervisor.LastError, StringComparison.Ordinal);
            Assert.False(edge.Supervisor.IsConnected);
        }
        finally
        {
            listener.Stop();
        }
    }
}
