using System.Security.Cryptography;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace CityBrain.Hub.OnCall;

/// <summary>
/// Asks a node to read a sensor now (docs/mqtt-contract.md, on-call reads): publishes an <see cref="OnCallRequest"/> on
/// the node's <c>cmd</c> topic with the hub's credentials (the ingest's connection), a Response Topic under this hub's
/// reply prefix, fresh Correlation Data and a Message Expiry Interval equal to the timeout (the broker drops a request
/// a node would get too late; the payload's <c>expires</c> lets the node refuse it too), then waits for the answer.
/// </summary>
public sealed class OnCallRequester(MqttIngestService ingest, OnCallReplies replies, IOptions<HubOptions> options, TimeProvider time, ILogger<OnCallRequester> logger)
{
    /// <summary>Longest wait for an answer (and the request's expiry).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly string _requester = OnCallReplies.RequesterFor(options.Value);

    public async Task<OnCallOutcome> ReadAsync(NodeIdentity node, string sensor, string? by, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!ingest.IsConnected)
        {
            return new OnCallOutcome(null, OnCallFailure.NotConnected, "the hub is not connected to the MQTT broker");
        }

        byte[] correlation = RandomNumberGenerator.GetBytes(16);
        string key = Convert.ToHexString(correlation);
        if (replies.Expect(key) is not { } answer)
        {
            return new OnCallOutcome(null, OnCallFailure.TooManyPending, $"the hub already waits for {OnCallReplies.MaxPending} on-call answers; try again shortly");
        }

        try
        {
            var request = new OnCallRequest
            {
                Op = OnCallRequest.Read,
                Sensor = sensor,
                Expires = (time.GetUtcNow() + timeout).ToUnixTimeMilliseconds(),
                By = by,
            };
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(Topics.For(node, Topics.Cmd))
                .WithPayload(ContractJson.Serialize(request, ContractJsonContext.Default.OnCallRequest))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithContentType("application/json")
                .WithResponseTopic(Topics.ReplyFor(_requester, node.NodeId))
                .WithCorrelationData(correlation)
                .WithMessageExpiryInterval((uint)Math.Max(1, Math.Ceiling(timeout.TotalSeconds)))
                .Build();
            using var timer = new CancellationTokenSource(timeout, time);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            try
            {
                var published = await ingest.Client.PublishAsync(message, deadline.Token);
                if (published.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    return new OnCallOutcome(null, OnCallFailure.NoAnswer, $"node '{node.NodeId}' is not listening on its cmd topic (offline, or an edge without on-call reads)");
                }

                if (!published.IsSuccess)
                {
                    logger.LogWarning("The broker refused the on-call request to {Node}: {Code} {Reason}", node.NodeId, published.ReasonCode, published.ReasonString);
                    return new OnCallOutcome(null, OnCallFailure.Refused, $"the broker refused the request: {published.ReasonCode} (check the ACL: the hub's user must write citybrain/v1/+/+/+/cmd)");
                }

                return OnCallOutcome.Answered(await answer.WaitAsync(deadline.Token));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new OnCallOutcome(null, OnCallFailure.NoAnswer, $"no answer from node '{node.NodeId}' within {timeout.TotalSeconds:0.#} s");
            }
            catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException)
            {
                return new OnCallOutcome(null, OnCallFailure.NotConnected, "publishing the request failed: " + ex.Message);
            }
        }
        finally
        {
            replies.Forget(key);
        }
    }
}
