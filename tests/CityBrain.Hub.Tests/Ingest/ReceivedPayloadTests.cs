using System.Buffers;
using System.Runtime.CompilerServices;
using CityBrain.Hub.Ingest;
using MQTTnet;
using MQTTnet.Packets;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class ReceivedPayloadTests
{
    /// <summary>A received message as MQTTnet hands it to the hub: the packet and the application message share the payload.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (MqttApplicationMessageReceivedEventArgs Args, WeakReference Payload) Received(Func<MqttApplicationMessageReceivedEventArgs, CancellationToken, Task> acknowledge)
    {
        byte[] body = new byte[12_000];
        var packet = new MqttPublishPacket { Topic = "citybrain/centre/c4/node-1/telemetry", PacketIdentifier = 7, Payload = new ReadOnlySequence<byte>(body, 100, 11_900) };
        var message = new MqttApplicationMessage { Topic = packet.Topic, Payload = packet.Payload };
        return (new MqttApplicationMessageReceivedEventArgs("hub", message, packet, acknowledge), new WeakReference(body));
    }

    [Fact]
    public async Task Release_PayloadIsCollectableWhileTheAcknowledgementIsPending()
    {
        ushort acknowledged = 0;
        var (args, payload) = Received((e, _) =>
        {
            acknowledged = e.PacketIdentifier;
            return Task.CompletedTask;
        });
        args.AutoAcknowledge = false;

        Assert.True(ReceivedPayload.Release(args));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(payload.IsAlive);
        Assert.True(args.ApplicationMessage.Payload.IsEmpty);
        Assert.Equal("citybrain/centre/c4/node-1/telemetry", args.ApplicationMessage.Topic);

        // The PUBACK needs only the packet identifier, which stays.
        await args.AcknowledgeAsync(CancellationToken.None);
        Assert.Equal(7, acknowledged);
    }

    [Fact]
    public void WithoutRelease_ThePendingAcknowledgementKeepsThePayload()
    {
        // The control: the references Release drops are the ones that kept the payload alive.
        var (args, payload) = Received((_, _) => Task.CompletedTask);

        GC.Collect();

        Assert.True(payload.IsAlive);
        GC.KeepAlive(args);
    }
}
