namespace CityBrain.Testing.Mqtt;

/// <summary>A message a <see cref="MqttCollector"/> received.</summary>
public sealed record ReceivedMessage(string Topic, byte[] Payload, bool Retain, DateTimeOffset ReceivedAt)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}
