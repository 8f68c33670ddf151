namespace CityBrain.Edge.OnCall;

/// <summary>One request as it arrived on the <c>cmd</c> topic, copied out of the MQTT client's buffers.</summary>
internal sealed record OnCallCall(byte[] Payload, string? ResponseTopic, byte[]? CorrelationData);
