using System.Buffers;
using CityBrain.Hub.Ingest;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityBrain.Hub.Tests.Ingest;

/// <summary>Packets encoded by MQTTnet, read by <see cref="PublishPacketReader"/> and by MQTTnet's own decoder: the same packets.</summary>
public sealed class PublishPacketReaderTests
{
    public static TheoryData<int> Sizes() => [0, 1, 100, 200, 12_000, 20_000, 70_000];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Publish_WithEveryProperty_IsDecodedAsMqttnetDoes_WithoutCopyingThePayload(int payloadBytes)
    {
        byte[] payload = new byte[payloadBytes];
        new Random(payloadBytes).NextBytes(payload);
        var packets = new MqttPacket[]
        {
            new MqttPublishPacket { Topic = "citybrain/v1/d/g/n-1/telemetry", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce, PacketIdentifier = 7, PayloadSegment = payload },
            new MqttPublishPacket
            {
                Topic = "t/ü",
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtMostOnce,
                Retain = true,
                PayloadSegment = payload,
                ContentType = "application/json",
                ResponseTopic = "r",
                CorrelationData = [1, 2, 3],
                MessageExpiryInterval = 60,
                PayloadFormatIndicator = MqttPayloadFormatIndicator.CharacterData,
                SubscriptionIdentifiers = [1, 2, 300_000],
                UserProperties = [new MqttUserProperty("k", "v"u8.ToArray().AsMemory()), new MqttUserProperty("k2", "v2"u8.ToArray().AsMemory())],
            },
            new MqttPublishPacket { Topic = "x", QualityOfServiceLevel = MqttQualityOfServiceLevel.ExactlyOnce, PacketIdentifier = 65535, Dup = true, PayloadSegment = payload },
            new MqttPingRespPacket(),
            new MqttPubAckPacket { PacketIdentifier = 9, ReasonCode = MqttPubAckReasonCode.Success },
            new MqttSubAckPacket { PacketIdentifier = 3, ReasonCodes = [MqttSubscribeReasonCode.GrantedQoS1] },
        };

        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 65535));
        var stream = new List<byte>();
        var expected = new List<MqttPacket>();
        foreach (var packet in packets)
        {
            byte[] bytes = formatter.Encode(packet).Join().ToArray();
            formatter.Cleanup();
            stream.AddRange(bytes);
            expected.Add(DecodeWithMqttnet(formatter, bytes));
        }

        var reader = new PublishPacketReader(new BufferedMqttChannel(new FakeSocketChannel([.. stream], segment: 5000), 64 * 1024), formatter);
        foreach (var want in expected)
        {
            var got = await reader.ReceivePacketAsync(CancellationToken.None);
            Assert.NotNull(got);
            Assert.Equal(want.GetType(), got.GetType());
            Assert.Equal(Describe(want), Describe(got));
        }

        Assert.Null(await reader.ReceivePacketAsync(CancellationToken.None)); // closed
    }

    [Fact]
    public async Task Publish_InABodyReturnedByTheMessageBefore_HasOnlyItsOwnBytes()
    {
        // Both bodies fall into the pool's 2 KiB size: the second is read into the first's array once that is returned.
        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 65535));
        byte[] first = Enumerable.Repeat((byte)0xAA, 1500).ToArray();
        byte[] second = Enumerable.Range(0, 1100).Select(i => (byte)i).ToArray();
        var stream = new List<byte>();
        foreach (var (topic, payload) in new[] { ("a/long/topic", first), ("b", second) })
        {
            stream.AddRange(formatter.Encode(new MqttPublishPacket { Topic = topic, QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce, PacketIdentifier = 1, PayloadSegment = payload }).Join().ToArray());
            formatter.Cleanup();
        }

        var reader = new PublishPacketReader(new BufferedMqttChannel(new FakeSocketChannel([.. stream], segment: 700), 4096), formatter);
        var a = Assert.IsType<MqttPublishPacket>(await reader.ReceivePacketAsync(CancellationToken.None));
        Assert.Equal(first, a.Payload.ToArray());
        PayloadBuffers.Return(a.Payload);

        var b = Assert.IsType<MqttPublishPacket>(await reader.ReceivePacketAsync(CancellationToken.None));
        Assert.Equal("b", b.Topic);
        Assert.Equal(second, b.Payload.ToArray());
    }

    [Fact]
    public async Task TruncatedPacket_IsAClosedConnection()
    {
        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 65535));
        byte[] bytes = formatter.Encode(new MqttPublishPacket { Topic = "t", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce, PacketIdentifier = 1, PayloadSegment = new byte[100] }).Join().ToArray();
        var reader = new PublishPacketReader(new BufferedMqttChannel(new FakeSocketChannel(bytes[..^10], segment: 7), 4096), formatter);

        Assert.Null(await reader.ReceivePacketAsync(CancellationToken.None));
    }

    [Fact]
    public void PayloadOffset_BodyShorterThanItsHeader_IsNull()
    {
        Assert.Null(PublishPacketReader.PayloadOffset(0x32, [0, 5, (byte)'a'], MqttProtocolVersion.V500));
        Assert.Null(PublishPacketReader.PayloadOffset(0x32, [0, 1, (byte)'a', 0, 1, 0x80], MqttProtocolVersion.V500)); // properties length unfinished
        Assert.Equal(6, PublishPacketReader.PayloadOffset(0x32, [0, 1, (byte)'a', 0, 1, 0], MqttProtocolVersion.V500));
        Assert.Equal(5, PublishPacketReader.PayloadOffset(0x32, [0, 1, (byte)'a', 0, 1], MqttProtocolVersion.V311));
    }

    private static MqttPacket DecodeWithMqttnet(MqttPacketFormatterAdapter formatter, byte[] bytes)
    {
        int i = 1;
        int length = 0;
        int multiplier = 1;
        byte b;
        do
        {
            b = bytes[i++];
            length += (b & 0x7F) * multiplier;
            multiplier *= 128;
        }
        while ((b & 0x80) != 0);

        return formatter.Decode(new ReceivedMqttPacket(bytes[0], new ArraySegment<byte>(bytes, i, length), bytes.Length));
    }

    private static string Describe(MqttPacket packet) => packet switch
    {
        MqttPublishPacket p => string.Join('|',
            p.Topic, p.QualityOfServiceLevel, p.PacketIdentifier, p.Retain, p.Dup, Convert.ToHexString(p.Payload.ToArray()), p.ContentType, p.ResponseTopic,
            Convert.ToHexString(p.CorrelationData ?? []), p.MessageExpiryInterval, p.PayloadFormatIndicator, p.TopicAlias,
            string.Join(',', p.SubscriptionIdentifiers ?? []), string.Join(',', (p.UserProperties ?? []).Select(u => $"{u.Name}={Convert.ToHexString(u.ValueBuffer.ToArray())}"))),
        _ => packet.ToString() ?? packet.GetType().Name,
    };
}
