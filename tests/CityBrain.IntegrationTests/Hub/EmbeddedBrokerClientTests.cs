using System.Diagnostics;
using System.Text;
using CityBrain.Hub.Broker;
using CityBrain.Hub.Configuration;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// A consumer's first try works against the hub's embedded broker: the README's own command, the real
/// <c>mosquitto_sub</c>, with and without a client id, over MQTT 3.1.1 and 5.
/// </summary>
public sealed class EmbeddedBrokerClientTests
{
    [Theory]
    [InlineData("mqttv311", null)]
    [InlineData("mqttv311", "city-watcher-1")]
    [InlineData("mqttv5", null)]
    [InlineData("mqttv5", "city-watcher-2")]
    public async Task MosquittoSub_AsInTheReadme_ReceivesTheStreams(string version, string? clientId)
    {
        int port = FreePort.Get();
        using var broker = new EmbeddedBrokerService(
            Options.Create(new HubOptions { EmbeddedBroker = new EmbeddedBrokerOptions { Enabled = true, BindAddress = "127.0.0.1", Port = port } }),
            NullLogger<EmbeddedBrokerService>.Instance);
        await broker.StartAsync(CancellationToken.None);
        try
        {
            // A retained status, so the subscriber has something the moment it subscribes.
            using var node = new MqttClientFactory().CreateMqttClient();
            await node.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("n-0001").Build());
            await node.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("citybrain/v1/harbour/g-0417/n-0001/status")
                .WithPayload(Encoding.UTF8.GetBytes("{\"v\":1,\"node\":\"n-0001\",\"state\":\"online\"}"))
                .WithRetainFlag()
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());

            // The README: mosquitto_sub -h 127.0.0.1 -p 1883 -t 'citybrain/v1/#' -v   (+ -C 1 -W 10 to end the test)
            var arguments = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(), "-V", version, "-t", "citybrain/v1/#", "-v", "-C", "1", "-W", "10" };
            if (clientId is not null)
            {
                arguments.AddRange(["-i", clientId]);
            }

            var (exit, output, error) = await RunAsync("mosquitto_sub", arguments);

            Assert.True(exit == 0, $"mosquitto_sub exited {exit}: {error}");
            Assert.StartsWith("citybrain/v1/harbour/g-0417/n-0001/status {\"v\":1", output, StringComparison.Ordinal);
        }
        finally
        {
            await broker.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string program, IEnumerable<string> arguments)
    {
        if (!File.Exists("/usr/bin/" + program))
        {
            throw new InvalidOperationException($"{program} is not installed: apt-get install -y mosquitto-clients (scripts/install-deps.sh does this)");
        }

        var start = new ProcessStartInfo("/usr/bin/" + program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within 20 s");
        }

        return (process.ExitCode, await output, await error);
    }
}
