using System.Globalization;
using System.Text.Json;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Testing;

namespace CityBrain.Hub.Tests.Configuration;

/// <summary>
/// The hub's MQTT settings and the shipped broker configuration agree (issue 14 items 1, 3 and 6): the hub's session
/// outlives the edge's 168 h buffer and the broker's session expiry does not cut it short; the hub advertises the
/// broker's max_packet_size as its Maximum Packet Size; the client id is the user name.
/// </summary>
public sealed class BrokerLimitsTests
{
    private const double EdgeBufferMaxAgeHours = 168;

    private static readonly string[] Conf = File.ReadAllLines(RepoPaths.Combine("deploy", "mosquitto", "mosquitto.conf"));

    private static string Setting(string name) =>
        Conf.Select(l => l.Trim()).Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..].Trim();

    [Fact]
    public void Defaults_AdvertiseTheShippedBrokersMaxPacketSize_AboveTheHubsPayloadLimit()
    {
        var hub = new HubOptions();
        var options = MqttClientOptionsFactory.Create(hub.Mqtt, "a");

        Assert.Equal(uint.Parse(Setting("max_packet_size"), CultureInfo.InvariantCulture), options.MaximumPacketSize);
        Assert.True(options.MaximumPacketSize > hub.MaxPayloadBytes);
    }

    [Fact]
    public void Defaults_SessionOutlivesTheEdgeBuffer_AndTheShippedBrokerKeepsItThatLong()
    {
        var hub = new HubOptions();
        var options = MqttClientOptionsFactory.Create(hub.Mqtt, "a");
        var session = TimeSpan.FromSeconds(options.SessionExpiryInterval);
        string expiration = Setting("persistent_client_expiration");
        Assert.EndsWith("d", expiration, StringComparison.Ordinal);
        var brokerKeeps = TimeSpan.FromDays(int.Parse(expiration[..^1], CultureInfo.InvariantCulture));

        Assert.False(options.CleanSession);
        Assert.True(session > TimeSpan.FromHours(EdgeBufferMaxAgeHours), $"hub session {session} does not outlive the edge buffer");
        Assert.True(brokerKeeps >= session, $"the broker drops sessions after {brokerKeeps}, before the hub's {session}");
        Assert.Equal(EdgeBufferMaxAgeHours, new CityBrain.Provisioning.NodeConfig.BufferSection().MaxAgeHours);
    }

    [Fact]
    public void ExampleConfig_SessionPacketSizeAndClientIdMatchTheBroker()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("deploy", "hub.example.json")));
        var mqtt = doc.RootElement.GetProperty("Hub").GetProperty("Mqtt");
        var o = new MqttConnectionOptions
        {
            Username = mqtt.GetProperty("Username").GetString(),
            ClientId = mqtt.TryGetProperty("ClientId", out var id) ? id.GetString() : null,
        };

        Assert.Equal(new HubOptions().Mqtt.SessionExpirySeconds, mqtt.GetProperty("SessionExpirySeconds").GetUInt32());
        Assert.Equal(uint.Parse(Setting("max_packet_size"), CultureInfo.InvariantCulture), mqtt.GetProperty("MaximumPacketSize").GetUInt32());
        // A per-listener option: after every listener line.
        var lines = Conf.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var listeners = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("listener ", StringComparison.Ordinal)).Select(x => x.i).ToList();
        Assert.NotEmpty(listeners);
        foreach (int at in listeners)
        {
            var block = lines.Skip(at + 1).TakeWhile(l => !l.StartsWith("listener ", StringComparison.Ordinal));
            Assert.Contains("use_username_as_clientid true", block);
        }

        Assert.Equal(o.Username, MqttClientOptionsFactory.ClientId(o, "a"));
    }

    [Fact]
    public void ClientId_DefaultsToTheUserName_ThenToTheInstance()
    {
        Assert.Equal("citybrain-hub-b", MqttClientOptionsFactory.ClientId(new MqttConnectionOptions { Username = "citybrain-hub-b" }, "x"));
        Assert.Equal("citybrain-hub-x", MqttClientOptionsFactory.ClientId(new MqttConnectionOptions(), "x"));
    }

    [Fact]
    public void Check_ClientIdOtherThanUserName_AndPacketSizeNotAbovePayload_EachNamedWithFix()
    {
        var o = new HubOptions { Sinks = [new SinkOptions { Kind = SinkOptions.InfluxV1, Url = "http://127.0.0.1:8086", Database = "db" }] };
        o.Mqtt.Username = "citybrain-hub-a";
        o.Mqtt.ClientId = "citybrain-hub-b";
        o.Mqtt.MaximumPacketSize = (uint)o.MaxPayloadBytes;

        var errors = HubOptionsValidator.Check(o);

        Assert.Contains(errors, e => e.StartsWith("Hub:Mqtt:ClientId = 'citybrain-hub-b' differs from Hub:Mqtt:Username", StringComparison.Ordinal) && e.Contains("use_username_as_clientid", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Hub:Mqtt:MaximumPacketSize = 1048576 is not larger than Hub:MaxPayloadBytes", StringComparison.Ordinal) && e.Contains("max_packet_size", StringComparison.Ordinal));
        Assert.Equal(2, errors.Count);
    }
}
