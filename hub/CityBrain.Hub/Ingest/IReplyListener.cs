using System.Buffers;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Hears answers on <c>citybrain/v1/_replies/…</c> (MQTT 5 request/response) on the ingest's connection, before the
/// message is routed (and ignored as a hub topic) and its buffers returned. Must not block and must copy what it keeps.
/// </summary>
public interface IReplyListener
{
    void OnReply(string topic, ReadOnlyMemory<byte> correlationData, ReadOnlySequence<byte> payload);
}
