using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;

namespace CityBrain.Hub.OnCall;

/// <summary>
/// The hub's on-call requests waiting for their answers, keyed by Correlation Data: at most <see cref="MaxPending"/>
/// at once. Answers arrive on the ingest's connection (<see cref="IReplyListener"/>) under this hub's reply prefix
/// <c>citybrain/v1/_replies/{requester}/</c>, the requester being the hub's broker user (else its client id).
/// </summary>
public sealed class OnCallReplies(ILogger<OnCallReplies> logger) : IReplyListener
{
    public const int MaxPending = 64;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<OnCallResponse>> _pending = new(StringComparer.Ordinal);

    /// <summary>The requester level of this hub's reply topics.</summary>
    public static string RequesterFor(HubOptions options) =>
        !string.IsNullOrWhiteSpace(options.Mqtt.Username) ? options.Mqtt.Username : MqttClientOptionsFactory.ClientId(options.Mqtt, options.InstanceName);

    public int Pending => _pending.Count;

    /// <summary>Registers a request; null when <see cref="MaxPending"/> already wait.</summary>
    public Task<OnCallResponse>? Expect(string correlation)
    {
        if (_pending.Count >= MaxPending)
        {
            return null;
        }

        var answer = new TaskCompletionSource<OnCallResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _pending.TryAdd(correlation, answer) ? answer.Task : null;
    }

    /// <summary>Forgets a request (answered, timed out or abandoned).</summary>
    public void Forget(string correlation) => _pending.TryRemove(correlation, out _);

    public void OnReply(string topic, ReadOnlyMemory<byte> correlationData, ReadOnlySequence<byte> payload)
    {
        if (correlationData.IsEmpty || !_pending.TryGetValue(Convert.ToHexString(correlationData.Span), out var waiting))
        {
            return; // another requester's answer, or one that came after its request timed out
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            if (JsonSerializer.Deserialize(ref reader, ContractJsonContext.Default.OnCallResponse) is { } answer)
            {
                waiting.TrySetResult(answer);
            }
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Unreadable on-call answer on {Topic}: {Error}", topic, ex.Message);
        }
    }
}
