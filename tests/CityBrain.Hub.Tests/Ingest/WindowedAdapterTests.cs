using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using CityBrain.Hub.Ingest;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Diagnostics.PacketInspection;
using MQTTnet.Formatter;
using MQTTnet.Internal;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityBrain.Hub.Tests.Ingest;

/// <summary>The adapter the hub's MQTT client gets from <see cref="ReceiveWindow.AdapterFactory"/>, over a real loopback socket.</summary>
public sealed class WindowedAdapterTests
{
    [Fact]
    public async Task Publish_WithThePacketInspectorMqttnetAlwaysPasses_IsReadByPublishPacketReader()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        byte[] payload = Enumerable.Range(0, 1100).Select(i => (byte)(i * 7)).ToArray();
        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 65535));
        byte[] bytes = formatter.Encode(new MqttPublishPacket { Topic = "citybrain/d/g/n/telemetry", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce, PacketIdentifier = 5, PayloadSegment = payload }).Join().ToArray();

        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).Build();
        var inspector = new MqttPacketInspector(new AsyncEvent<InspectMqttPacketEventArgs>(), MqttNetNullLogger.Instance); // as MqttClient.ConnectAsync passes it
        using var adapter = new ReceiveWindow(10).AdapterFactory().CreateClientAdapter(options, inspector, MqttNetNullLogger.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var accept = listener.AcceptTcpClientAsync(timeout.Token);
        await adapter.ConnectAsync(timeout.Token);
        using var server = await accept;
        await server.GetStream().WriteAsync(bytes, timeout.Token);

        var publish = Assert.IsType<MqttPublishPacket>(await adapter.ReceivePacketAsync(timeout.Token));

        Assert.Equal(payload, publish.Payload.ToArray());
        // MQTTnet's own reader would have copied the payload into an array of exactly its length; PublishPacketReader
        // leaves it in the pooled body (a power of two, with the topic and packet id before it).
        Assert.True(MemoryMarshal.TryGetArray(publish.Payload.First, out ArraySegment<byte> segment));
        Assert.Equal(2048, segment.Array!.Length);
        PayloadBuffers.Return(publish.Payload);
    }
}
